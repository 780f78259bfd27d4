// Imported rather than the global: Node's global `performance` is a getter, called on every use (twice per task).
import { performance } from 'node:perf_hooks';
import { buildGraph, type TaskGraph } from '../analysis/graph';
import type { JobModel } from '../config/types';
import { elapsedMs, type ErrorInfo, type FinalTaskStatus, type LineOrigin, type RunEvent, withOrigin } from './events';
import { type AttemptReports, TaskExecution, type TaskExecutor } from './executor';
import { jsonProblem } from './json-safe';
import { checkInteger } from './options';
import { withoutEngineFrames } from './stack';

export interface GraphOptions {
  runId: string;
  job: JobModel;
  executor: TaskExecutor;
  /** Overrides the job's `maxConcurrency`. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Receives each event, already stamped; must not throw. */
  emit: (event: RunEvent) => void;
  /** The next sequence number of the run's stream. */
  nextSeq: () => number;
  /** The job's graph, when the caller has built it already. */
  graph?: TaskGraph;
  /** Where tasks' log lines go (the run's output budget); each becomes a `task-log` event without it. */
  log?: TaskLog;
  /** Called just before a task's final `task-finished` is emitted (the output budget says what it dropped). */
  beforeFinish?: (task: string) => void;
  /** Continues a run that an earlier worker began: what ended there, and the attempts of what runs again. */
  resume?: GraphResume;
  /** False: tasks' timeouts do not apply (a run being debugged, whose tasks may wait at a breakpoint). */
  timeouts?: boolean;
}

export type TaskLog = (task: string, message: string, origin?: LineOrigin) => void;

/**
 * Where a run that is continued in a new worker stands: the tasks that ended (with their results, for
 * their dependents) and, for each task that runs again, its attempts so far and how many of them were
 * lost with a worker rather than failed (those do not use up its retries).
 */
export interface GraphResume {
  ended: Record<string, { status: FinalTaskStatus; result?: unknown }>;
  attempts: Record<string, { done: number; lost: number }>;
}

export interface GraphOutcome {
  statuses: FinalTaskStatus[];
  results: unknown[];
  cancelled: boolean;
}

const OK = 0;
const ERROR = 1;
const TIMEOUT = 2;
const ABORTED = 3;
type Outcome = typeof OK | typeof ERROR | typeof TIMEOUT | typeof ABORTED;

/** The longest delay a timer can wait (2^31 - 1 ms); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const PENDING = 0;
const RUNNING = 1;
const DONE = 2;

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

export class CancelledError extends Error {
  override name = 'CancelledError';
}

/** What an error says, for events: message and stack (the thrower's frames, not the engine's), whatever was thrown. */
export function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) return error.stack ? { message: error.message, stack: withoutEngineFrames(error.stack) } : { message: error.message };
  return { message: typeof error === 'string' ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Throws when JSON would not carry a result faithfully (to a record, another process, another machine),
 * naming the first bad path: `the task's result is not JSON-serialisable: result.items[2] is NaN ...`.
 */
function checkSerialisable(value: unknown): void {
  const problem = jsonProblem(value);
  if (problem !== undefined) throw new TypeError(`the task's result is not JSON-serialisable: ${problem}`);
}

/**
 * Runs a job's task graph. A task starts as soon as all of its own dependencies have succeeded and a
 * slot is free (no stages); it receives their results by task id. Failures skip dependents or stop the
 * job (`onFailure`), timeouts abort the attempt's signal and abandon it, retries wait `retryDelay`
 * doubling, and cancelling the run aborts what runs and cancels the rest.
 */
export function runGraph(options: GraphOptions): Promise<GraphOutcome> {
  return new GraphRun(options).start();
}

class GraphRun {
  private readonly tasks: JobModel['tasks'];
  private readonly deps: number[][];
  private readonly dependents: number[][];
  private readonly remaining: Int32Array;
  private readonly state: Uint8Array;
  private readonly statuses: FinalTaskStatus[];
  private readonly results: unknown[];
  /** The attempt each running task is in; cleared when it settles or is abandoned. */
  private readonly active: (TaskExecution | undefined)[];
  private readonly timers: (NodeJS.Timeout | undefined)[];
  private readonly startedAt: Float64Array;
  /** The next attempt of a task waiting to retry, else 0. */
  private readonly retryAttempt: Int32Array;
  /** Attempts lost with a worker (a resumed run): they do not count against a task's retries. */
  private readonly lost: Int32Array;
  private readonly ready: number[] = [];
  private readyHead = 0;
  private running = 0;
  private done = 0;
  private readonly limit: number;
  private stopping: 'stop' | 'cancel' | undefined;
  private resolve!: (outcome: GraphOutcome) => void;

  constructor(private readonly options: GraphOptions) {
    const { job } = options;
    this.tasks = job.tasks;
    const n = this.tasks.length;
    // A runnable job has unique ids and only known dependencies: the analysis' graph indexes are the job's.
    const graph = options.graph ?? buildGraph(job);
    this.deps = graph.deps;
    this.dependents = graph.dependents;
    this.remaining = new Int32Array(n);
    for (let i = 0; i < n; i++) this.remaining[i] = this.deps[i].length;
    this.state = new Uint8Array(n);
    this.statuses = new Array<FinalTaskStatus>(n);
    this.results = new Array<unknown>(n);
    this.active = new Array<TaskExecution | undefined>(n);
    this.timers = new Array<NodeJS.Timeout | undefined>(n);
    this.startedAt = new Float64Array(n);
    this.retryAttempt = new Int32Array(n);
    this.lost = new Int32Array(n);
    const limit = options.concurrency ?? job.maxConcurrency;
    checkInteger('concurrency', limit);
    this.limit = limit ?? Infinity;
  }

  start(): Promise<GraphOutcome> {
    const promise = new Promise<GraphOutcome>((resolve) => (this.resolve = resolve));
    const { signal } = this.options;
    const onAbort = () => this.halt('cancel');
    if (signal?.aborted) {
      this.halt('cancel');
    } else {
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.options.resume) this.resume(this.options.resume);
      for (let i = 0; i < this.tasks.length; i++) if (this.remaining[i] === 0 && this.state[i] === PENDING) this.ready.push(i);
      this.pump();
    }
    this.checkDone();
    return promise.finally(() => signal?.removeEventListener('abort', onAbort));
  }

  private pump(): void {
    while (this.running < this.limit && this.readyHead < this.ready.length && !this.stopping) {
      const i = this.ready[this.readyHead++];
      if (this.state[i] !== PENDING) continue;
      this.state[i] = RUNNING;
      this.running++;
      this.startedAt[i] = performance.now();
      // A resumed task goes on from its next attempt.
      const attempt = this.retryAttempt[i] || 1;
      this.retryAttempt[i] = 0;
      this.startAttempt(i, attempt);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
  }

  /**
   * Takes over where another worker left off: ended tasks keep their status and result (their dependents
   * get them as inputs; a failure skips its dependents or stops the job as it would have), and tasks
   * that were running start again with their next attempt number.
   */
  private resume(resume: GraphResume): void {
    const failed: number[] = [];
    this.tasks.forEach((task, i) => {
      const ended = resume.ended[task.id];
      const attempts = resume.attempts[task.id];
      if (attempts) {
        this.retryAttempt[i] = attempts.done + 1;
        this.lost[i] = attempts.lost;
      }
      if (!ended) return;
      this.state[i] = DONE;
      this.statuses[i] = ended.status;
      this.done++;
      if (ended.status === 'succeeded') {
        this.results[i] = ended.result;
        for (const d of this.dependents[i]) this.remaining[d]--;
      } else {
        failed.push(i);
      }
    });
    for (const i of failed) {
      if (this.stopping) break;
      if (this.options.job.onFailure === 'stop' && this.statuses[i] !== 'cancelled' && this.statuses[i] !== 'skipped') this.halt('stop');
      else this.skipDependents(i);
    }
  }

  /**
   * Starts one attempt. Attempts are callbacks rather than an async function per task: a no-op task
   * then costs one promise of its own and no more, which is most of what the engine's overhead was.
   */
  private startAttempt(i: number, attempt: number): void {
    const task = this.tasks[i];
    const { runId } = this.options;
    const input: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const d of this.deps[i]) input[this.tasks[d].id] = this.results[d];
    const execution = new TaskExecution(runId, this.options.job.name, task.id, task.className, task.module ?? '', task.params, attempt, input, this.reports);
    this.active[i] = execution;
    this.options.emit({ type: 'task-started', runId, seq: this.options.nextSeq(), time: Date.now(), task: task.id, attempt });
    if (task.timeout !== undefined && this.options.timeouts !== false) {
      this.timers[i] = setTimeout(
        () => {
          execution.abort(new TimeoutError(`${task.id} timed out after ${task.timeout}s`));
          this.settle(i, execution, TIMEOUT, undefined);
        },
        Math.min(task.timeout * 1000, MAX_TIMER_MS),
      );
    }
    let running: Promise<unknown>;
    try {
      running = this.options.executor.execute(execution);
    } catch (error) {
      this.settle(i, execution, ERROR, error);
      return;
    }
    running.then(
      (value) => this.settle(i, execution, OK, value),
      (error: unknown) => this.settle(i, execution, execution.aborted && this.stopping ? ABORTED : ERROR, error),
    );
  }

  /** An attempt ended (or was given up on). Late outcomes of abandoned attempts are ignored. */
  private settle(i: number, execution: TaskExecution, kind: Outcome, value: unknown): void {
    if (this.active[i] !== execution) return;
    this.active[i] = undefined;
    const timer = this.timers[i];
    if (timer) {
      clearTimeout(timer);
      this.timers[i] = undefined;
    }
    const attempt = execution.attempt;
    if (kind === OK) {
      try {
        checkSerialisable(value);
      } catch (error) {
        return this.settleFailure(i, attempt, ERROR, error);
      }
      return this.finish(i, 'succeeded', attempt, undefined, value);
    }
    if (kind === ABORTED) {
      const message = this.stopping === 'stop' ? 'stopped: another task failed and onFailure is "stop"' : 'cancelled';
      return this.finish(i, 'cancelled', attempt, { message });
    }
    this.settleFailure(i, attempt, kind, kind === TIMEOUT ? undefined : value);
  }

  private settleFailure(i: number, attempt: number, kind: Outcome, error: unknown): void {
    const task = this.tasks[i];
    const info = kind === TIMEOUT ? { message: `timed out after ${task.timeout}s` } : errorInfo(error);
    const status = kind === TIMEOUT ? 'timedOut' : 'failed';
    const tries = attempt - this.lost[i];
    if (tries > task.retries || this.stopping) return this.finish(i, status, attempt, info);
    const delayMs = Math.min(task.retryDelay * 1000 * 2 ** (tries - 1), MAX_TIMER_MS);
    this.options.emit({
      type: 'task-retrying',
      runId: this.options.runId,
      seq: this.options.nextSeq(),
      time: Date.now(),
      task: task.id,
      attempt,
      delayMs,
      error: info,
    });
    this.retryAttempt[i] = attempt + 1;
    this.timers[i] = setTimeout(() => {
      this.timers[i] = undefined;
      this.retryAttempt[i] = 0;
      this.startAttempt(i, attempt + 1);
    }, delayMs);
  }

  /** Made once per run: every attempt reports through it. */
  private readonly reports: AttemptReports = {
    log: (task, message, origin) => (this.options.log ?? this.log)(task, message, origin),
    assigned: (task, attempt, worker) =>
      this.options.emit({ type: 'task-assigned', runId: this.options.runId, seq: this.options.nextSeq(), time: Date.now(), task, attempt, worker }),
  };

  private readonly log: TaskLog = (task, message, origin) => {
    const event: RunEvent = { type: 'task-log', runId: this.options.runId, seq: this.options.nextSeq(), time: Date.now(), task, message };
    withOrigin(event, origin);
    this.options.emit(event);
  };

  private finish(i: number, status: FinalTaskStatus, attempts: number, error?: ErrorInfo, result?: unknown): void {
    this.state[i] = DONE;
    this.running--;
    this.record(i, status, attempts, elapsedMs(this.startedAt[i], performance.now()), error, result);
    if (status === 'succeeded') {
      for (const d of this.dependents[i]) if (--this.remaining[d] === 0 && this.state[d] === PENDING) this.ready.push(d);
    } else if (!this.stopping) {
      if (this.options.job.onFailure === 'stop' && status !== 'cancelled') this.halt('stop');
      else this.skipDependents(i);
    }
    this.pump();
    this.checkDone();
  }

  private record(i: number, status: FinalTaskStatus, attempts: number, durationMs: number, error?: ErrorInfo, result?: unknown): void {
    this.statuses[i] = status;
    if (status === 'succeeded') this.results[i] = result;
    this.done++;
    this.options.beforeFinish?.(this.tasks[i].id);
    const event: RunEvent = {
      type: 'task-finished',
      runId: this.options.runId,
      seq: this.options.nextSeq(),
      time: Date.now(),
      task: this.tasks[i].id,
      status,
      attempts,
      durationMs,
    };
    if (error) event.error = error;
    if (status === 'succeeded' && result !== undefined) event.result = result;
    this.options.emit(event);
  }

  private skipDependents(i: number): void {
    const queue = [i];
    for (let head = 0; head < queue.length; head++) {
      for (const d of this.dependents[queue[head]]) {
        if (this.state[d] !== PENDING) continue;
        this.state[d] = DONE;
        this.record(d, 'skipped', 0, 0, { message: `skipped: dependency "${this.tasks[queue[head]].id}" did not succeed` });
        queue.push(d);
      }
    }
  }

  /** Stops the run: running attempts are aborted (and abandoned), tasks not started end skipped or cancelled. */
  private halt(reason: 'stop' | 'cancel'): void {
    if (this.stopping) return;
    this.stopping = reason;
    const error = reason === 'stop' ? new CancelledError('stopped: another task failed and onFailure is "stop"') : new CancelledError('the run was cancelled');
    this.tasks.forEach((_, i) => {
      if (this.state[i] === PENDING) {
        this.state[i] = DONE;
        this.record(i, reason === 'stop' ? 'skipped' : 'cancelled', 0, 0, { message: error.message });
      }
    });
    this.tasks.forEach((_, i) => {
      const execution = this.active[i];
      if (execution) {
        execution.abort(error);
        this.settle(i, execution, ABORTED, undefined);
      } else if (this.retryAttempt[i]) {
        // Waiting to retry: the wait ends here.
        clearTimeout(this.timers[i]);
        this.timers[i] = undefined;
        this.finish(i, 'cancelled', this.retryAttempt[i] - 1, { message: 'cancelled while waiting to retry' });
      }
    });
  }

  private checkDone(): void {
    if (this.done === this.tasks.length) {
      this.resolve({ statuses: this.statuses, results: this.results, cancelled: this.stopping === 'cancel' });
    }
  }
}
