import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as runtime from '../runtime/index';
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

interface InternalModule {
  _compile(code: string, filename: string): void;
}

const compiled = new Map<string, Exports>();
let sourceMapsEnabled = false;

function inside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Loads a task or handler module and returns its exports. TypeScript and JavaScript modules alike are
 * bundled by esbuild (their relative imports included, cached by content), with `fastasyncio` resolved
 * to the engine's own runtime and npm packages left to Node. Without esbuild (the packaged extension),
 * sucrase transpiles each module instead (`transpile-loader.ts`). Only modules inside the scope's folders are
 * loaded; `.py` modules are refused with a clear message.
 */
export async function loadModule(file: string, scope: LoadScope): Promise<Exports> {
  const absolute = path.resolve(file);
  if (!scope.folders.some((folder) => inside(folder, absolute))) {
    throw new ModuleLoadError(`refusing to load ${absolute}: it is outside the task and handler folders`);
  }
  if (absolute.endsWith('.py')) {
    throw new ModuleLoadError(`${path.basename(absolute)} is a Python task: running Python tasks is not supported yet (they validate, but cannot run)`);
  }
  let source: string;
  try {
    source = fs.readFileSync(absolute, 'utf8');
  } catch {
    throw new ModuleLoadError(`cannot read ${absolute}`);
  }
  const key = `${absolute}\0${sha1(source)}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  let exports: Exports;
  const cachedCode = readCache(absolute, scope.root);
  if (cachedCode !== undefined) {
    exports = evaluate(absolute, cachedCode);
  } else {
    const esbuild = await loadEsbuild();
    exports = esbuild
      ? evaluate(absolute, await bundle(esbuild, absolute, scope.root))
      : loadTranspiled(absolute, scope.root, runtime, (message) => new ModuleLoadError(message));
  }
  compiled.set(key, exports);
  return exports;
}

const sha1 = (text: string | Buffer) => createHash('sha1').update(text).digest('hex');

/** Compiled bundles are kept in `.fastasyncio/cache/`, each with the hashes of every file it was built from. */
interface CacheEntry {
  inputs: Record<string, string>;
  code: string;
}

function cacheFile(file: string, root: string): string {
  return path.join(root, '.fastasyncio', 'cache', `${sha1(file)}.json`);
}

/** The cached bundle of `file`, when none of the files it was built from has changed since. */
function readCache(file: string, root: string): string | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(cacheFile(file, root), 'utf8')) as CacheEntry;
    for (const [input, hash] of Object.entries(entry.inputs)) {
      if (sha1(fs.readFileSync(input)) !== hash) return undefined;
    }
    return entry.code;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, root: string, inputs: string[], code: string): void {
  try {
    const entry: CacheEntry = { inputs: Object.fromEntries(inputs.map((i) => [i, sha1(fs.readFileSync(i))])), code };
    const target = cacheFile(file, root);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(entry));
    fs.renameSync(temporary, target);
  } catch {
    // The cache is an optimisation: a read-only project still runs.
  }
}

type Esbuild = typeof import('esbuild');

/** esbuild when it is installed (and not turned off with FASTASYNCIO_COMPILER=sucrase), else undefined. */
async function loadEsbuild(): Promise<Esbuild | undefined> {
  if (process.env.FASTASYNCIO_COMPILER === 'sucrase') return undefined;
  try {
    return await import('esbuild');
  } catch {
    return undefined;
  }
}

async function bundle(esbuild: Esbuild, file: string, root: string): Promise<string> {
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
      absWorkingDir: path.dirname(file),
      plugins: [
        {
          name: 'fastasyncio-scope',
          setup(build) {
            build.onResolve({ filter: /^\.{0,2}\// }, (args) => {
              const target = path.resolve(args.resolveDir, args.path);
              if (args.kind !== 'entry-point' && !inside(root, target) && target !== root) {
                return { errors: [{ text: `"${args.path}" is outside the project (${root})` }] };
              }
              return undefined;
            });
          },
        },
      ],
    });
    const code = result.outputFiles[0].text;
    const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(path.dirname(file), input));
    writeCache(file, root, inputs, code);
    return code;
  } catch (error) {
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
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const baseRequire = mod.require.bind(mod);
  mod.require = Object.assign((id: string) => (id === 'fastasyncio' ? runtime : baseRequire(id)), baseRequire) as NodeJS.Require;
  try {
    (mod as unknown as InternalModule)._compile(code, file);
  } catch (error) {
    throw new ModuleLoadError(`loading ${path.basename(file)} threw: ${(error as Error).message ?? String(error)}`);
  }
  return mod.exports as Exports;
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
