/** What a task's `execute` receives besides its inputs. */
export interface TaskContext {
  readonly job: string;
  readonly runId: string;
  /** The task's id in the job. */
  readonly task: string;
  /** `params` from the config. */
  readonly params: Readonly<Record<string, unknown>>;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** Aborted when the attempt times out, the run is cancelled, or `onFailure: "stop"` stops the job. */
  readonly signal: AbortSignal;
  /** A line for the run's log (the output channel, the CLI, the record). */
  log(message: string): void;
}

/** The results of a task's dependencies, keyed by task id. */
export type TaskInput = Record<string, unknown>;

/**
 * The conventional base of task classes (as in the seed). Extending it is not required: any class with
 * an `execute(input, ctx)` method is a task.
 */
export abstract class BaseTask {
  abstract execute(input: TaskInput, ctx: TaskContext): unknown;
}

/** Waits `ms` milliseconds; rejects with the signal's reason as soon as it is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
