import type { TaskContext, TaskInput } from '../runtime/task';
import type { LineOrigin } from './events';
import type { TaskLog } from './scheduler';

/**
 * What a task execution needs, as plain JSON: enough for a worker in another process or on another
 * machine (a BullMQ job, a Python runner) to run the task.
 */
export interface TaskRequest {
  runId: string;
  job: string;
  task: string;
  className: string;
  /** Absolute path of the module that declares the class (from the analysis' resolver). */
  module: string;
  params: Record<string, unknown>;
  attempt: number;
  input: TaskInput;
}

/** Where an attempt's reports go: its log lines, and which worker took it (remote executors). */
export interface AttemptReports {
  log: TaskLog;
  assigned(task: string, attempt: number, worker: string): void;
}

/**
 * One attempt of one task, as an executor sees it. It is also the task's `ctx`. Its `signal` is made on
 * first use: most tasks never read it, and an AbortSignal costs more than the rest of a no-op task.
 */
export class TaskExecution implements TaskContext {
  private controller?: AbortController;
  private abortReason?: unknown;

  constructor(
    readonly runId: string,
    readonly job: string,
    readonly task: string,
    readonly className: string,
    readonly module: string,
    readonly params: Readonly<Record<string, unknown>>,
    readonly attempt: number,
    readonly input: TaskInput,
    private readonly reports: AttemptReports,
  ) {}

  /** A remote executor's worker took this attempt: its name goes into the run's events and summary. */
  assigned(worker: string): void {
    this.reports.assigned(this.task, this.attempt, worker);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.abortReason !== undefined;
  }

  abort(reason: Error): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    if (this.abortListeners) for (const listener of this.abortListeners) listener(reason);
    this.abortListeners = undefined;
  }

  private abortListeners?: ((reason: Error) => void)[];

  /**
   * Calls `listener` once when the attempt is aborted (at once if it has been): for executors, which
   * need to hear it without the cost of making the task's `signal`. Not part of `ctx`.
   */
  onAbort(listener: (reason: Error) => void): void {
    if (this.abortReason !== undefined) listener(this.abortReason as Error);
    else (this.abortListeners ??= []).push(listener);
  }

  private boundLog?: (message: string) => void;

  /** Bound on first use (`const { log } = ctx` works); most tasks never log. */
  get log(): (message: string) => void {
    return (this.boundLog ??= (message: string) => this.reports.log(this.task, String(message)));
  }

  /** A line the task printed to its stdout or stderr (the worker captures them); not part of `ctx`. */
  print(stream: 'stdout' | 'stderr', line: string): void {
    this.reports.log(this.task, line, { stream });
  }

  /** A line of the task's from elsewhere than `ctx.log`: a stream or a logging library (Python tasks). */
  logLine(message: string, origin: LineOrigin): void {
    this.reports.log(this.task, message, origin);
  }

  get request(): TaskRequest {
    return {
      runId: this.runId,
      job: this.job,
      task: this.task,
      className: this.className,
      module: this.module,
      params: this.params,
      attempt: this.attempt,
      input: this.input,
    };
  }
}

/**
 * The one interface task execution goes through. The in-process executor loads the module and calls
 * `execute`; other executors (the seed's Python tasks, remote workers) implement the same method.
 * It resolves with the task's result or rejects with its error; it should stop when `execution.signal`
 * aborts, but the scheduler never depends on that.
 */
export interface TaskExecutor {
  execute(execution: TaskExecution): Promise<unknown>;
  /** Optionally readies the given classes before the first task starts (loading is not a task's time). */
  prepare?(tasks: readonly { module: string; className: string }[]): Promise<void>;
  /** Optionally lets what still runs end (abandoned attempts' clean-up) and frees the executor, before the run's last event. */
  close?(): Promise<void>;
}
