// Bundles the extension (vscode external), the language server and the CLI into dist/.
const esbuild = require('esbuild');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

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
};

const entries = [{ entryPoints: ['engine/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }];
if (require('node:fs').existsSync('server/main.ts')) entries.push({ entryPoints: ['server/main.ts'], outfile: 'dist/server.js' });
if (require('node:fs').existsSync('client/extension.ts')) entries.push({ entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js' });

async function main() {
  const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
