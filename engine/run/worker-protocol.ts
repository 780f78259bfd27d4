import type { ConfigModel } from '../config/types';
import type { DebugOptions, DebugTarget } from './debug';
import type { RunEvent } from './events';
import type { ResolvedRerun } from './rerun';
import type { OutputLimits } from './output';
import type { RunResume, WorkersOptions } from './setup';

/**
 * Messages between the child-process runner (parent) and its worker (child), over Node's IPC channel
 * with the `advanced` serialization. The worker sends its messages as JSON lines (several to an IPC
 * message, see worker.ts) made with `stringifyImmune`, so that nothing a task does to
 * `Object.prototype` can garble the protocol.
 */
export type ToWorker =
  /**
   * `model`: the config as the parent analysed it (the job checked runnable); the worker runs that
   * version, not the file's current one, without analysing it again.
   */
  | {
      type: 'start';
      configFile: string;
      model: ConfigModel;
      job: string;
      runId: string;
      concurrency?: number;
      output?: OutputLimits;
      /** Set when this worker takes over from one that was killed because a task was stuck. */
      resume?: RunResume;
      /** The user's choice of Python interpreter (`RunOptions.python`). */
      python?: string;
      pythonFrom?: string;
      /** Run the tasks on workers through BullMQ (`RunOptions.workers`). */
      workers?: WorkersOptions;
      /** The run re-runs part of earlier runs, resolved by the parent (rerun.ts). */
      reuse?: ResolvedRerun;
      /** Debuggers the run's processes listen for (`RunOptions.debug`). */
      debug?: DebugOptions;
    }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'event'; event: RunEvent }
  /** A line printed outside any task (module code, the handler), within the worker's output budget. */
  | { type: 'output'; stream: 'stdout' | 'stderr'; line: string }
  /** The run could not start (the config changed under us and has errors, the job vanished). */
  | { type: 'fatal'; message: string }
  /** A process the worker started listens for a debugger (the Python runner's debugpy); the worker logged where. */
  | { type: 'debug-target'; target: DebugTarget };

/** The hidden CLI command that turns `dist/cli.js` into a worker. */
export const WORKER_COMMAND = '__worker';
