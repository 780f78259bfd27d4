import type { DroppedOutput } from './output';

/**
 * The run event stream, declared once: the engine emits it, the child-process runner forwards it over
 * IPC, run records store it as JSON lines, and the CLI, the extension and the HTTP API render it.
 * Every event is plain JSON.
 */

export type TaskStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'timedOut' | 'skipped' | 'cancelled';
/**
 * `interrupted`: the process that ran the run (and wrote its record) is gone without finishing it (killed,
 * crashed, a server restarted); whoever reads such a record next completes it with this status.
 */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
/** The statuses a task can end with. */
export type FinalTaskStatus = Exclude<TaskStatus, 'pending' | 'running'>;

/** A process that owns a run: when it is gone and the run has not finished, the run is interrupted. */
export interface RunOwner {
  pid: number;
  host: string;
  /** The process' start time (Linux: clock ticks since boot, from /proc), so that a reused pid is not taken for it. */
  start?: number;
}

/** Logging levels, as Python's `logging` names them, in lower case. */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** Where a log line came from, when not from `ctx.log`: a stream the code printed to, or a logging library. */
export interface LineOrigin {
  stream?: 'stdout' | 'stderr';
  level?: LogLevel;
}

export interface ErrorInfo {
  message: string;
  stack?: string;
}

export interface PlannedTask {
  id: string;
  className: string;
  dependencies: string[];
  stage: number;
  /** The task's params as this run ran it (the config's with `--param` overrides), when it has any. */
  params?: Record<string, unknown>;
  /** Its module, relative to the project root with `/` (its content's sha1 is in `run-started.modules`). */
  module?: string;
  /** The module's sha1, in records of earlier versions only (which had no `run-started.modules`). */
  moduleSha1?: string;
}

export interface PlannedStage {
  index: number;
  tasks: string[];
  after: string[];
}

export interface TaskSummary {
  status: TaskStatus;
  attempts: number;
  durationMs: number;
  error?: string;
  /** The worker that ran the task's last attempt, when it ran on workers (`--redis`). */
  worker?: string;
  /** Set when the task did not run: its result was taken from this earlier run (`--from`, `--only`). */
  reused?: string;
}

/** The summary of a run: what `fastasyncio run --format json` prints and `GET /runs/{id}` returns. */
export interface RunSummary {
  job: string;
  runId: string;
  status: RunStatus;
  durationMs: number;
  tasks: Record<string, TaskSummary>;
  results: Record<string, unknown>;
  /** The handler's `aggregate` output, when it defines one. */
  output?: unknown;
  /** Why the run failed when no task did (a handler hook threw, the worker died). */
  error?: string;
}

interface EventBase {
  runId: string;
  /** 1-based position in the run's stream (SSE ids, resuming). */
  seq: number;
  /** Epoch milliseconds. */
  time: number;
}

export interface RunStartedEvent extends EventBase {
  type: 'run-started';
  job: string;
  configFile: string;
  root: string;
  concurrency: number | null;
  tasks: PlannedTask[];
  stages: PlannedStage[];
  /**
   * The sha1 of each task module's content, by its path as tasks name it (`PlannedTask.module`): what
   * `--from` compares. Once per module rather than per task: thousands of tasks share a few modules.
   * Absent in records of older versions, whose tasks carry `moduleSha1`.
   */
  modules?: Record<string, string>;
  /** The process that runs the run and writes its record (absent in records of older versions). */
  owner?: RunOwner;
  /** Set when the run re-runs part of earlier ones (`--from`, `--only`, `--param`): what was asked. */
  rerun?: RerunRecord;
}

/** What a re-run was asked to do, as its record keeps it. */
export interface RerunRecord {
  /** The run whose succeeded tasks were reused (`--from`). */
  from?: string;
  /** The tasks that were run (`--only`); their dependencies were reused. */
  only?: string[];
  /** Params overridden for this run, by task (`--param Task.key=json`). */
  params?: Record<string, Record<string, unknown>>;
  /** Set when changes since the earlier run were overridden (`--force`). */
  force?: boolean;
}

export interface TaskStartedEvent extends EventBase {
  type: 'task-started';
  task: string;
  attempt: number;
}

/** A worker took an attempt of a task (runs on workers, `--redis`): its name. */
export interface TaskAssignedEvent extends EventBase {
  type: 'task-assigned';
  task: string;
  attempt: number;
  worker: string;
}

export interface TaskLogEvent extends EventBase {
  type: 'task-log';
  task: string;
  message: string;
  /** Set when the line is what the task printed to stdout or stderr (else it came from `ctx.log`). */
  stream?: 'stdout' | 'stderr';
  /** Set when the line came from a logging library (Python's `logging`): its level. */
  level?: LogLevel;
  /** Set on the one line that says how much output past the budget was dropped. */
  dropped?: DroppedOutput;
}

/** A line the job's handler logged (`beforeJob`, `afterJob`, ...). */
export interface RunLogEvent extends EventBase {
  type: 'run-log';
  message: string;
  /** Set when the line was printed to stdout or stderr outside any task (module code, the handler). */
  stream?: 'stdout' | 'stderr';
  /** Set when the line came from a logging library (Python's `logging`): its level. */
  level?: LogLevel;
  /** Set on the one line that says how much output past the budget was dropped. */
  dropped?: DroppedOutput;
}

export interface TaskRetryingEvent extends EventBase {
  type: 'task-retrying';
  task: string;
  /** The attempt that failed. */
  attempt: number;
  delayMs: number;
  error: ErrorInfo;
}

export interface TaskFinishedEvent extends EventBase {
  type: 'task-finished';
  task: string;
  status: FinalTaskStatus;
  attempts: number;
  /** To the microsecond (`elapsedMs`). */
  durationMs: number;
  error?: ErrorInfo;
  /** The task's result (succeeded tasks only). In records, large results are replaced by a note. */
  result?: unknown;
  /** Set when the task did not run: its result (and status `succeeded`) come from this earlier run. */
  reused?: string;
}

export interface RunFinishedEvent extends EventBase {
  type: 'run-finished';
  status: Exclude<RunStatus, 'running'>;
  /** To the microsecond (`elapsedMs`). */
  durationMs: number;
  /** The summary without `results` (each is in its task's `task-finished`). */
  summary: Omit<RunSummary, 'results'>;
}

export type RunEvent =
  RunStartedEvent | TaskStartedEvent | TaskAssignedEvent | TaskLogEvent | RunLogEvent | TaskRetryingEvent | TaskFinishedEvent | RunFinishedEvent;

export type RunEventType = RunEvent['type'];

/** An event before the emitter stamps it with `runId`, `seq` and `time`. */
export type RunEventInit = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, keyof EventBase> : never) : never;

export type RunListener = (event: RunEvent) => void;

/** Copies where a log line came from onto its event (only the fields that are set: records stay small). */
export function withOrigin(event: { stream?: LineOrigin['stream']; level?: LogLevel }, origin: LineOrigin | undefined): void {
  if (origin?.stream) event.stream = origin.stream;
  if (origin?.level) event.level = origin.level;
}

/**
 * The milliseconds since `start` (a `performance.now()`), to the microsecond: what a clock of this
 * kind can tell apart, without the fifteen digits of float noise a difference carries
 * (`60.37937699999998`). Records are shorter, and a number of a few digits is quicker to write.
 */
export function elapsedMs(start: number, now: number): number {
  return Math.round((now - start) * 1000) / 1000;
}
