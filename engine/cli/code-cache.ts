import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * How a bundle was compiled: from V8's code cache (`hit`), or from its text, the cache then written at
 * exit (`miss`: none yet, or one for another bundle text, Node or CPU; `rejected`: V8 refused it), or
 * with no cache at all (`off`: no cache folder).
 */
export type CodeCacheUse = 'hit' | 'miss' | 'rejected' | 'off';

/**
 * The folder of the engine's caches that belong to no project: `FASTASYNCIO_CACHE_DIR`, else the
 * platform's user cache folder. Undefined when there is none (no home): then nothing is cached.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  // Absolute: a worker moves to its project's root before it writes the cache, at exit.
  if (env.FASTASYNCIO_CACHE_DIR) return path.resolve(env.FASTASYNCIO_CACHE_DIR);
  let base: string | undefined;
  try {
    if (process.platform === 'win32') base = env.LOCALAPPDATA;
    else if (process.platform === 'darwin') base = path.join(os.homedir(), 'Library', 'Caches');
    else base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  } catch {
    return undefined;
  }
  return base ? path.resolve(base, 'fastasyncio') : undefined;
}

export interface LoadedBundle {
  exports: unknown;
  cache: CodeCacheUse;
  /**
   * Writes the cache when it was not used (`miss`, `rejected`), with every function compiled so far:
   * called as the process exits, it holds what the process ran, not only the bundle's top level.
   */
  writeCache(this: void): void;
}

/**
 * Loads a CommonJS bundle as `require` would, but compiled with V8's code cache: Node 20 has no compile
 * cache of its own, and compiling the engine's bundle from its text costs tens of ms in each of the two
 * processes a run starts (the CLI, then its worker).
 *
 * The cache is one file per bundle (by path), role (`run`, `worker`, ...: each holds the functions its
 * role ran) and Node version, in `cacheDir` (`codeCacheFile`). It begins with a key, the SHA-1 of the
 * bundle's path and bytes with Node's version and the CPU's architecture: V8 itself checks only the
 * text's length and its own flags, so a bundle changed within the same length would otherwise run its
 * old code; and the script's name comes from the cache, so the same bundle elsewhere (another install)
 * would show the first one's path in every stack. A cache with another key is not used, and is replaced.
 * Any error with the cache leaves the bundle compiled from its text: the cache only saves time.
 */
export function loadBundle(file: string, role: string, cacheDir: string | undefined): LoadedBundle {
  const bytes = fs.readFileSync(file);
  const cacheFile = cacheDir && codeCacheFile(cacheDir, file, role);
  const key = cacheFile ? cacheKey(file, bytes) : undefined;
  const cachedData = cacheFile && key ? readCache(cacheFile, key) : undefined;
  // No `importModuleDynamically`: Node 20 drops it from a script compiled from a cache, so the bundle
  // may not use `import()` (esbuild.js checks it does not).
  const script = new vm.Script(Module.wrap(bytes.toString('utf8')), { filename: file, cachedData });
  const cache: CodeCacheUse = !cacheFile ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  return {
    exports: mod.exports,
    cache,
    writeCache: () => {
      if (cacheFile && key && (cache === 'miss' || cache === 'rejected')) writeCache(cacheFile, key, script);
    },
  };
}

/** Where `role`'s code cache of the bundle `file` (absolute) is kept in `cacheDir`. */
export function codeCacheFile(cacheDir: string, file: string, role: string): string {
  const where = createHash('sha1').update(file).digest('hex').slice(0, 10);
  return path.join(cacheDir, `${path.basename(file, '.js')}-${role}-${process.version}-${process.arch}-${where}.v8`);
}

/** What a cache of `file` must begin with to be used for these `bytes`, in this Node, on this CPU. */
export function cacheKey(file: string, bytes: Buffer): Buffer {
  return createHash('sha1').update(`${process.version}\0${process.arch}\0${file}\0`).update(bytes).digest();
}

/** The cached code after `key`, or undefined when there is none or it is for another key. */
function readCache(file: string, key: Buffer): Buffer | undefined {
  try {
    const data = fs.readFileSync(file);
    return data.length > key.length && key.equals(data.subarray(0, key.length)) ? data.subarray(key.length) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, key: Buffer, script: vm.Script): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written aside, then renamed: a process starting meanwhile reads the old cache or the new one, whole.
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, Buffer.concat([key, script.createCachedData()]));
    fs.renameSync(temporary, file);
    removeStaleTemporaries(file);
  } catch {
    // A read-only or full disk: the next start compiles from the text again.
  }
}

/** What processes killed while writing `file`'s cache left (written over a minute ago, never renamed). */
function removeStaleTemporaries(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const stale = path.join(dir, name);
    try {
      if (Date.now() - fs.statSync(stale).mtimeMs > 60_000) fs.rmSync(stale, { force: true });
    } catch {
      // Renamed or removed by its writer meanwhile.
    }
  }
}
