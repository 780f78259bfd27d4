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
      /**
       * The worker is a pooled one (`serve --reuse-workers`, worker-pool.ts): it stays for more runs after
       * this one, may run several at once, and tags what it sends with the run's id.
       */
      stay?: boolean;
    }
  /** Cancels the run `runId` (every run of the worker without one). */
  | { type: 'cancel'; runId?: string }
  /** Asks a pooled worker whether its event loop still turns: it answers `pong` at once. */
  | { type: 'ping' };

/**
 * `runId` names the run a message is about in a pooled worker (an event carries its own); a line that no
 * run owns (printed by code outside any run's async context) has none.
 */
export type FromWorker =
  | { type: 'event'; event: RunEvent }
  /** A line printed outside any task (module code, the handler), within the worker's output budget. */
  | { type: 'output'; stream: 'stdout' | 'stderr'; line: string; runId?: string }
  /** The run could not start (the config changed under us and has errors, the job vanished). */
  | { type: 'fatal'; message: string; runId?: string }
  /** A process the worker started listens for a debugger (the Python runner's debugpy); the worker logged where. */
  | { type: 'debug-target'; target: DebugTarget; runId?: string }
  /** A pooled worker's answer to `ping`. */
  | { type: 'pong' }
  /** A pooled worker asks never to be given another run: task code threw outside any task (its state may be broken). */
  | { type: 'retire'; reason: string };

/** The run a message from a pooled worker is about, if any. */
export function runOf(message: FromWorker): string | undefined {
  if (message.type === 'event') return message.event.runId;
  return 'runId' in message ? message.runId : undefined;
}

/** One of a worker's JSON lines; anything else is ignored (undefined). */
export function parseMessage(raw: string): FromWorker | undefined {
  try {
    const message = JSON.parse(raw) as FromWorker;
    return message !== null && typeof message === 'object' && typeof message.type === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Every message of one IPC message from a worker (JSON lines, several in a burst). */
export function parseMessages(raw: unknown, each: (message: FromWorker) => void): void {
  if (typeof raw !== 'string') return;
  for (const line of raw.split('\n')) {
    if (!line) continue;
    const message = parseMessage(line);
    if (message) each(message);
  }
}

/** The hidden CLI command that turns `dist/cli.js` into a worker. */
export const WORKER_COMMAND = '__worker';
