import type { DebugOptions, DebugTarget } from '../engine/run/debug';

/**
 * "Debug Job" without `vscode` (debugging.ts starts the sessions): what the run is asked to listen for,
 * and the debug configuration that attaches VS Code's debugger to each target the run reports.
 */

/** The Python debugger extensions, newest first: ms-python.debugpy (type `debugpy`), else ms-python.python's own (type `python`). */
export const PYTHON_DEBUGGERS: readonly { extension: string; type: 'debugpy' | 'python' }[] = [
  { extension: 'ms-python.debugpy', type: 'debugpy' },
  { extension: 'ms-python.python', type: 'python' },
];

/** The debug type that attaches to debugpy, given which extensions are installed; undefined without one. */
export function pythonDebugType(installed: (extension: string) => boolean): 'debugpy' | 'python' | undefined {
  return PYTHON_DEBUGGERS.find((d) => installed(d.extension))?.type;
}

/**
 * What a debugged run listens for: the task worker under the Node inspector on a free port, waiting for
 * the debugger before its first line; the Python runner under debugpy too when the job has Python tasks
 * and there is a debugger to attach to it.
 */
export function debugOptions(python: boolean): DebugOptions {
  return { inspect: { port: 0, brk: true }, ...(python ? { python: { port: 0 } } : {}) };
}

/** A debug configuration as `vscode.debug.startDebugging` takes it. */
export interface AttachConfiguration {
  type: string;
  name: string;
  request: 'attach';
  [key: string]: unknown;
}

export interface AttachContext {
  job: string;
  /** The project root: the task modules' source maps are resolved there. */
  root: string;
  /** The extension's `dist` folder (the engine's bundle): stepping skips it. */
  dist: string;
  /** The Python debugger's type (`pythonDebugType`); undefined: Python targets are not attached to. */
  pythonType?: 'debugpy' | 'python';
  /** Names the run the session belongs to (a property of the configuration), so that its end can be told. */
  key: string;
}

/** The property of a configuration that names its run (`AttachContext.key`). */
export const RUN_KEY = 'fastasyncioRun';

/**
 * The configuration that attaches to a target: js-debug for the worker (it resumes a worker waiting
 * under `--inspect-brk`; the task modules, compiled with inline source maps as they load, are mapped
 * back to their sources before they run), debugpy for the Python runner. Undefined when nothing here can
 * attach to it.
 */
export function attachConfiguration(target: DebugTarget, context: AttachContext): AttachConfiguration | undefined {
  if (target.kind === 'node') {
    return {
      type: 'node',
      request: 'attach',
      name: `FastAsyncio: ${context.job}`,
      address: target.host,
      port: target.port,
      continueOnAttach: true,
      skipFiles: ['<node_internals>/**', `${context.dist}/**`],
      // The worker compiles task modules as it loads them: wait for each one's source map, so that a
      // breakpoint in a task's source binds before the task runs.
      pauseForSourceMap: true,
      sourceMaps: true,
      resolveSourceMapLocations: [`${context.root}/**`, '!**/node_modules/**'],
      // No compiled files on disk to look for: the source maps come inline with the code.
      outFiles: [],
      // A module compiled without a source map (sucrase, when esbuild is not installed) keeps its lines
      // and runs under its own file's name: its frames are shown in that file, not in a read-only copy
      // of the compiled code.
      enableContentValidation: false,
      cwd: context.root,
      // The Python runner and what tasks start are not Node workers of the run.
      attachExistingChildren: false,
      autoAttachChildProcesses: false,
      [RUN_KEY]: context.key,
    };
  }
  if (!context.pythonType) return undefined;
  return {
    type: context.pythonType,
    request: 'attach',
    name: `FastAsyncio: ${context.job} (Python)`,
    connect: { host: target.host, port: target.port },
    justMyCode: false,
    [RUN_KEY]: context.key,
  };
}

/** The run a debug session's configuration names, if it is one "Debug Job" started. */
export function runKeyOf(configuration: Record<string, unknown> | undefined): string | undefined {
  const key = configuration?.[RUN_KEY];
  return typeof key === 'string' ? key : undefined;
}
