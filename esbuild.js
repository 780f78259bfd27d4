// Bundles the extension (vscode external), the language server, the CLI (the graph app inlined: see viewApp)
// and the runtime into dist/, and writes the runtime's declarations (dist/fastasyncio.d.ts) for user projects
// that import `fastasyncio`.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/**
 * The graph app (engine/view/web/app.ts) for browsers, built first and inlined where a bundle imports
 * engine/view/app-script.ts: the pages it renders (the webview's, `fastasyncio graph --format html`) need
 * no file beside them. Its options are in engine/view/web/build.json, which app-script.ts shares (it
 * builds the app when run from the sources).
 */
const viewApp = {
  name: 'view-app',
  setup(build) {
    build.onLoad({ filter: /[\\/]engine[\\/]view[\\/]app-script\.ts$/ }, async () => {
      const result = await esbuild.build({
        ...require('./engine/view/web/build.json'),
        entryPoints: ['engine/view/web/app.ts'],
        write: false,
        metafile: true,
      });
      return {
        contents: `export function appScript() { return ${JSON.stringify(result.outputFiles[0].text)}; }`,
        loader: 'js',
        watchFiles: Object.keys(result.metafile.inputs).map((file) => path.resolve(file)),
      };
    });
  },
};

/**
 * The config schema's first-error validator as code (ajv's standalone), generated here in place of
 * engine/analysis/schema-fast.ts, which compiles it at run time when run from the sources: a run of a
 * valid config then neither loads ajv nor compiles the schema. Same options as schema-compile.ts.
 */
const schemaValidator = {
  name: 'schema-validator',
  setup(build) {
    build.onLoad({ filter: /[\\/]engine[\\/]analysis[\\/]schema-fast\.ts$/ }, () => {
      const Ajv = require('ajv').default;
      const standaloneCode = require('ajv/dist/standalone').default;
      const optionsFile = path.resolve('engine/analysis/schema-options.json');
      const schemaFile = path.resolve('configs/schema.json');
      const { keywords, ...options } = JSON.parse(fs.readFileSync(optionsFile, 'utf8'));
      const ajv = new Ajv({ ...options, code: { source: true, esm: true } });
      ajv.addVocabulary(keywords);
      const code = standaloneCode(ajv, ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8'))));
      return {
        contents: `${code}\nexport function fastValidator() { return validate; }\n`,
        loader: 'js',
        resolveDir: path.resolve('engine/analysis'),
        watchFiles: [optionsFile, schemaFile],
      };
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build does not.
  mainFields: ['module', 'main'],
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // esbuild is the engine's TypeScript loader at run time (its native binary cannot be bundled);
  // fastify only serves `fastasyncio serve`, so workers do not pay for parsing it.
  external: ['vscode', 'esbuild', 'fastify'],
  plugins: [viewApp, schemaValidator],
};

const entries = [
  // `fastasyncio`, and the run's worker: a launcher that starts a run's worker first thing, then loads the
  // commands and the worker (dist/cli-main.js) with V8's code cache (engine/cli/code-cache.ts).
  { entryPoints: ['engine/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, metafile: true },
  { entryPoints: ['engine/cli/entry.ts'], outfile: 'dist/cli-main.js', metafile: true },
  // `require('fastasyncio')` outside the engine (a user's own tests of a task); the engine maps the name itself.
  { entryPoints: ['engine/runtime/index.ts'], outfile: 'dist/runtime.js' },
  // BullMQ and ioredis, loaded only by runs on workers and `fastasyncio worker` (engine/run/queue/library.ts).
  { entryPoints: ['engine/run/queue/library-entry.ts'], outfile: 'dist/queue.js' },
];
if (fs.existsSync('server/main.ts')) entries.push({ entryPoints: ['server/main.ts'], outfile: 'dist/server.js' });
// The bundle notes when it starts and ends evaluating: the extension reports its activation time from there (activation.ts).
if (fs.existsSync('client/extension.ts')) {
  entries.push({
    entryPoints: ['client/extension.ts'],
    outfile: 'dist/extension.js',
    banner: { js: 'var __fastasyncioLoadStart = performance.now();' },
    footer: { js: 'var __fastasyncioLoadEnd = performance.now();' },
  });
}

/**
 * The declarations of what task and handler modules import as `fastasyncio`, in one self-contained file:
 * package.json's "types" (so `npm i -D fastasyncio` type-checks them) and the file a project setup copies.
 * tsc emits them from engine/runtime; dts-bundle-generator keeps what the runtime exports and inlines the
 * types they use.
 */
function writeDeclarations() {
  const { generateDtsBundle } = require('dts-bundle-generator');
  const [text] = generateDtsBundle([{ filePath: 'engine/runtime/index.ts', output: { noBanner: true, exportReferencedTypes: false } }], {
    preferredConfigPath: 'tsconfig.json',
  });
  fs.mkdirSync('dist', { recursive: true });
  fs.writeFileSync('dist/fastasyncio.d.ts', `// The \`fastasyncio\` module as task and handler modules see it (generated from engine/runtime).\n${text}`);
}

/**
 * Node compiles dist/cli.js from its text, with no code cache, before a run's worker can be started: what
 * it imports (the code cache, `startWorker`, found by tree-shaking) must stay a few KB. A new import that
 * drags the engine in fails the build here rather than slowing every run.
 */
const LAUNCHER_BUDGET = 32 * 1024;

/** The checks of the CLI's two bundles (their entries ask for a metafile; the others have none). */
function checkCli({ metafile }) {
  const launcher = metafile?.outputs['dist/cli.js'];
  if (launcher && launcher.bytes > LAUNCHER_BUDGET) {
    const inputs = Object.entries(launcher.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
    const largest = inputs.slice(0, 5).map(([file, { bytesInOutput }]) => `${file} (${bytesInOutput} B)`);
    throw new Error(`dist/cli.js is ${launcher.bytes} B, past its ${LAUNCHER_BUDGET} B budget; largest inputs: ${largest.join(', ')}`);
  }
  // dist/cli-main.js runs from V8's code cache, where Node 20 loses what `import()` needs: `require` instead.
  const dynamic = metafile?.outputs['dist/cli-main.js']?.imports.filter((i) => i.kind === 'dynamic-import' && i.external);
  if (dynamic?.length) throw new Error(`dist/cli-main.js may not import() at run time (${dynamic.map((i) => i.path).join(', ')}): require it`);
}

async function main() {
  const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
  if (watch) {
    writeDeclarations(); // once: the runtime's API seldom changes while watching
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  // esbuild works in its own process while tsc works in this one. A type error in the runtime fails the
  // build (tsc prints it), once the bundles are written.
  const bundled = Promise.all(contexts.map((c) => c.rebuild().then(checkCli)));
  let declarationsError;
  try {
    writeDeclarations();
  } catch (error) {
    declarationsError = error;
  }
  await bundled;
  await Promise.all(contexts.map((c) => c.dispose()));
  if (declarationsError) throw declarationsError;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
