import * as fs from 'node:fs';
import type Module from 'node:module';
import * as path from 'node:path';
import { isInside } from '../config/folders';
import { evaluateModule } from './evaluate';

/**
 * The loader's fallback when esbuild is not installed (the packaged VS Code extension ships no
 * node_modules): each module is transpiled with sucrase, which keeps line numbers, and evaluated on its
 * own (`evaluateModule`), relative imports loaded the same way. Same rules: `fastasyncio` is the runtime,
 * relative imports stay inside the project, npm packages are left to Node.
 */
export function loadTranspiled(entry: string, root: string, fail: (message: string) => Error): { exports: Record<string, unknown>; files: string[] } {
  // Loaded here, not with this module: sucrase is a large bundle to evaluate (its word tree alone is 9,000
  // lines), and the bundles that hold this loader (the CLI and its workers) seldom compile with it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
  const { transform } = require('sucrase') as typeof import('sucrase');
  const loaded = new Map<string, Module>();
  const load = (file: string): unknown => {
    const known = loaded.get(file);
    if (known) return known.exports;
    const source = fs.readFileSync(file, 'utf8');
    let code: string;
    try {
      const typescript = /\.[cm]?ts$/.test(file);
      const transformed = transform(source, {
        transforms: typescript ? ['typescript', 'imports'] : ['imports'],
        filePath: file,
        keepUnusedImports: false,
        sourceMapOptions: { compiledFilename: file },
      });
      // Lines are kept, columns are not; and a debugger shows the file on disk only when the code it runs
      // says where it comes from (the map's one source is the file itself, with its text).
      const map = Buffer.from(JSON.stringify({ ...transformed.sourceMap, sourcesContent: [source] })).toString('base64');
      code = `${transformed.code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}`;
    } catch (error) {
      throw fail(`cannot compile ${path.basename(file)}: ${(error as Error).message}`);
    }
    return evaluateModule(file, code, {
      requireRelative: (id) => load(resolveRelative(path.dirname(file), id, root, fail)),
      onCreated: (mod) => loaded.set(file, mod),
    }).exports;
  };
  const exports = load(entry) as Record<string, unknown>;
  return { exports, files: [...loaded.keys()] };
}

const EXTENSIONS = ['', '.ts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

/** Resolves a relative (or absolute) import; it must stay inside the project, symlinks resolved. */
function resolveRelative(dir: string, id: string, root: string, fail: (message: string) => Error): string {
  const base = path.resolve(dir, id);
  if (!isInside(base, root)) throw fail(`"${id}" is outside the project (${root})`);
  // TypeScript sources import './x.js' for './x.ts'.
  const candidates = [...EXTENSIONS.map((e) => base + e), base.replace(/\.js$/, '.ts')];
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!found) throw fail(`cannot resolve "${id}" from ${dir}`);
  const real = fs.realpathSync(found);
  if (!isInside(real, root)) throw fail(`"${id}" is outside the project (${root})`);
  return real;
}
