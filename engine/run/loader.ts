import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInside } from '../config/folders';
import { evaluateModule } from './evaluate';
import { loadTranspiled } from './transpile-loader';

/** Where a module may be loaded from: the analysis' task and handler folders. */
export interface LoadScope {
  /** Folders that entry modules must be inside. */
  folders: string[];
  /** Relative imports of those modules must stay inside this folder (the project root). */
  root: string;
}

export class ModuleLoadError extends Error {
  override name = 'ModuleLoadError';
}

type Exports = Record<string, unknown>;

/** A compiled module and the files it was built from, each with its content hash. */
interface Compiled {
  inputs: Record<string, string>;
}

/** The engine's version of the bundle format: cached code from another version is not reused. */
const CACHE_VERSION = 2;
const loaded = new Map<string, Compiled & { exports: Exports }>();
let sourceMapsEnabled = false;

const sha1 = (text: string | Buffer) => createHash('sha1').update(text).digest('hex');

/** The real path (symlinks resolved), or undefined when the file does not exist. */
export function realPath(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
}

/** Whether `file` is `folder` or inside it, both taken with symlinks resolved. */
function insideReal(file: string, folder: string): boolean {
  return isInside(realPath(file) ?? file, realPath(folder) ?? folder);
}

/** Whether every file a compiled module was built from is unchanged. */
function fresh(entry: Compiled): boolean {
  try {
    return Object.entries(entry.inputs).every(([input, hash]) => sha1(fs.readFileSync(input)) === hash);
  } catch {
    return false;
  }
}

function hashes(files: Iterable<string>): Record<string, string> {
  return Object.fromEntries([...files].map((f) => [f, sha1(fs.readFileSync(f))]));
}

/**
 * Loads a task or handler module and returns its exports. TypeScript and JavaScript modules alike are
 * bundled by esbuild (their relative imports included), with `fastasyncio` resolved to the engine's own
 * runtime and npm packages left to Node; without esbuild (the packaged extension), sucrase transpiles
 * each module instead (`transpile-loader.ts`). Compiled modules are cached in memory and on disk
 * (`.fastasyncio/cache/`) with the hashes of every file they were built from. Only modules inside the
 * scope's folders are loaded, symlinks resolved; `.py` modules are the Python runner's (python/runtime.ts).
 */
export async function loadModule(file: string, scope: LoadScope): Promise<Exports> {
  const absolute = realPath(path.resolve(file));
  if (!absolute) throw new ModuleLoadError(`cannot read ${file}`);
  if (!scope.folders.some((folder) => insideReal(absolute, folder))) {
    throw new ModuleLoadError(`refusing to load ${absolute}: it is outside the task and handler folders`);
  }
  if (absolute.endsWith('.py')) {
    throw new ModuleLoadError(`${path.basename(absolute)} is a Python module: it runs in the Python runner, not in Node`);
  }
  const known = loaded.get(absolute);
  if (known && fresh(known)) return known.exports;
  const root = realPath(scope.root) ?? scope.root;
  let result: Compiled & { exports: Exports };
  const cached = readCache(absolute, root);
  if (cached) {
    result = { inputs: cached.inputs, exports: evaluate(absolute, cached.code) };
  } else {
    const esbuild = loadEsbuild();
    if (esbuild) {
      const { code, inputs } = await bundle(esbuild, absolute, root);
      writeCache(absolute, root, { inputs, code });
      result = { inputs, exports: evaluate(absolute, code) };
    } else {
      const { exports, files } = loadTranspiled(absolute, root, (message) => new ModuleLoadError(message));
      result = { inputs: hashes(files), exports };
    }
  }
  loaded.set(absolute, result);
  return result.exports;
}

interface CacheEntry extends Compiled {
  version: number;
  code: string;
}

function cacheFile(file: string, root: string): string {
  return path.join(root, '.fastasyncio', 'cache', `${sha1(file)}.json`);
}

/** The cached bundle of `file`, when it is of this version and none of its inputs has changed since. */
function readCache(file: string, root: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(cacheFile(file, root), 'utf8')) as CacheEntry;
    if (entry.version !== CACHE_VERSION || !Object.hasOwn(entry.inputs, file) || !fresh(entry)) return undefined;
    return entry;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, root: string, entry: Compiled & { code: string }): void {
  try {
    const target = cacheFile(file, root);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ version: CACHE_VERSION, ...entry } satisfies CacheEntry));
    fs.renameSync(temporary, target);
  } catch {
    // The cache is an optimisation: a read-only project still runs.
  }
}

type Esbuild = typeof import('esbuild');

/**
 * esbuild when it is installed (and not turned off with FASTASYNCIO_COMPILER=sucrase), else undefined.
 * `require`, not `import()`: the CLI's bundle runs from V8's code cache (cli/code-cache.ts), where Node
 * 20 loses the callback that `import()` needs.
 */
function loadEsbuild(): Esbuild | undefined {
  if (process.env.FASTASYNCIO_COMPILER === 'sucrase') return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: no import() in the bundle
    return require('esbuild') as Esbuild;
  } catch {
    return undefined;
  }
}

async function bundle(esbuild: Esbuild, file: string, root: string): Promise<{ code: string; inputs: Record<string, string> }> {
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      packages: 'external',
      keepNames: true,
      logLevel: 'silent',
      metafile: true,
      // The map's sources are relative to this folder, the module's own: against the script's URL (the
      // module's path, evaluate.ts) they are the original files, where debuggers bind breakpoints.
      absWorkingDir: path.dirname(file),
      plugins: [
        {
          name: 'fastasyncio-scope',
          setup(build) {
            // The runtime is provided at load time, whatever a tsconfig's `paths` say about it.
            build.onResolve({ filter: /^fastasyncio$/ }, () => ({ path: 'fastasyncio', external: true }));
            build.onResolve({ filter: /^(\.{0,2}\/|\/)/ }, (args) => {
              if (args.kind === 'entry-point') return undefined;
              const target = path.resolve(args.resolveDir, args.path);
              if (!insideReal(target, root)) {
                return { errors: [{ text: `"${args.path}" is outside the project (${root})` }] };
              }
              return undefined;
            });
          },
        },
      ],
    });
    const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(path.dirname(file), input));
    // What esbuild actually read, symlinks resolved: nothing may come from outside the project.
    const escaped = inputs.find((input) => input !== file && !insideReal(input, root));
    if (escaped) throw new ModuleLoadError(`cannot compile ${path.basename(file)}: it imports ${escaped}, which is outside the project (${root})`);
    return { code: result.outputFiles[0].text, inputs: hashes(inputs) };
  } catch (error) {
    if (error instanceof ModuleLoadError) throw error;
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    const first = errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new ModuleLoadError(`cannot compile ${path.basename(file)}: ${first?.text ?? (error as Error).message}${where}`);
  }
}

function evaluate(file: string, code: string): Exports {
  if (!sourceMapsEnabled) {
    // Stack traces of user code then point at their TypeScript lines.
    process.setSourceMapsEnabled(true);
    sourceMapsEnabled = true;
  }
  try {
    return evaluateModule(file, code).exports as Exports;
  } catch (error) {
    throw new ModuleLoadError(`loading ${path.basename(file)} threw: ${(error as Error).message ?? String(error)}`);
  }
}

/** Loads a module and returns the class it exports under `className`. */
export async function loadClass(file: string, className: string, scope: LoadScope): Promise<new () => unknown> {
  const exports = await loadModule(file, scope);
  const value = Object.hasOwn(exports, className) ? exports[className] : undefined;
  if (typeof value !== 'function') {
    const exported = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
    throw new ModuleLoadError(`${path.basename(file)} does not export a class "${className}"${exported.length ? ` (it exports ${exported.join(', ')})` : ''}`);
  }
  return value as new () => unknown;
}
