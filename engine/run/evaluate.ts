import Module from 'node:module';
import * as path from 'node:path';
import * as runtime from '../runtime/index';

interface InternalModule {
  _compile(code: string, filename: string): void;
}

const RELATIVE = /^(\.{1,2})?\//;

export interface EvaluateOptions {
  /** Loads a relative (or absolute) import; Node's `require` does when absent (a bundle has none left). */
  requireRelative?: (id: string) => unknown;
  /** Sees the module before its code runs, so that a cycle of imports finds it. */
  onCreated?: (mod: Module) => void;
}

/**
 * Evaluates CommonJS `code` as the module `file`, the one way the loaders run user code: npm packages
 * are found from the file's folder as Node would, `require('fastasyncio')` is the engine's runtime
 * (whatever is installed), relative imports go to `requireRelative` when given. What the code throws
 * is thrown. Returns the module, whose `exports` its code may have replaced.
 */
export function evaluateModule(file: string, code: string, options: EvaluateOptions = {}): Module {
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  const baseRequire = mod.require.bind(mod);
  const { requireRelative } = options;
  mod.require = Object.assign((id: string): unknown => {
    if (id === 'fastasyncio') return runtime;
    if (requireRelative && RELATIVE.test(id)) return requireRelative(id);
    return baseRequire(id);
  }, baseRequire) as NodeJS.Require;
  options.onCreated?.(mod);
  (mod as unknown as InternalModule)._compile(code, file);
  return mod;
}
