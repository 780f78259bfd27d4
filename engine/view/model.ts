import type { Position } from '../config/types';
import type { ErrorInfo, FinalTaskStatus, LogLevel, RunStatus, TaskStatus } from '../run/events';

/**
 * The view model of a job graph: what the graph panel and `fastasyncio graph --format html` draw. Plain
 * JSON (it is posted to a webview, kept in its state and inlined in a page), declared once here and read
 * by the browser app (web/) and the hosts. The structure (tasks, dependencies, stages) decides the
 * layout; the run (statuses, attempts, results, logs) changes with each event and never moves a node.
 */
export const VIEW_MODEL_VERSION = 1;

export interface ViewModel {
  version: typeof VIEW_MODEL_VERSION;
  job: string;
  /** Absolute path of the config file, when known (the "open config" links). */
  configFile?: string;
  /** The job's handler (`module.Class` or `GenericJobHandler`). */
  handler?: string;
  /** In the config's order. */
  tasks: ViewTask[];
  /** The run drawn over the graph, when there is one. */
  run?: ViewRun;
}

export interface ViewTask {
  id: string;
  className: string;
  /** Known task ids only (an unknown or self dependency is the analysis' problem, not an edge). */
  dependencies: string[];
  /** 1-based stage of the plan (longest path); 0 for a task that can never run (in or behind a cycle). */
  stage: number;
  /** Absolute path of the task's module, when the resolver found one. */
  module?: string;
  /** Where the task's entry starts in the config file (0-based, as LSP counts). */
  configPosition?: Position;
  timeoutMs?: number;
  retries?: number;
}

export interface ViewRun {
  runId: string;
  status: RunStatus;
  /** Epoch milliseconds of the run's start (its first event). */
  startedAt: number;
  /** Epoch milliseconds of the latest event. */
  lastTime: number;
  durationMs: number;
  lastSeq: number;
  finished: boolean;
  /** The handler's `aggregate` output, when it defines one. */
  output?: unknown;
  /** Why the run failed when no task did. */
  error?: string;
  /** By task id (every task of the run's plan from its start on). Read with `taskRun`. */
  tasks: Record<string, ViewTaskRun>;
  /** The handler's log lines, the last `LOG_LINES_KEPT` of them. */
  logs: ViewLogLine[];
  droppedLogs: number;
}

export interface ViewTaskRun {
  /** As the run's summary says (`RunState`): `running` also while a retry waits. */
  status: TaskStatus;
  /** The number of the current or last attempt (0 before the first). */
  attempt: number;
  /** As the summary says: from the first attempt's start to the end, once the task has ended. */
  durationMs: number;
  attempts: ViewAttempt[];
  /** Set when the task succeeded with a result. */
  result?: unknown;
  error?: ErrorInfo;
  worker?: string;
  /** Set when the task did not run: its result was taken from this earlier run (a re-run). */
  reused?: string;
  /** The task's log lines, the last `LOG_LINES_KEPT` of them. */
  logs: ViewLogLine[];
  droppedLogs: number;
}

export type AttemptOutcome = 'running' | Exclude<FinalTaskStatus, 'skipped'>;

export interface ViewAttempt {
  attempt: number;
  /** Epoch milliseconds. */
  start: number;
  end?: number;
  outcome: AttemptOutcome;
  error?: ErrorInfo;
  /** Set on an attempt that was retried: the back-off before the next one. */
  retryDelayMs?: number;
  worker?: string;
}

export interface ViewLogLine {
  /** Epoch milliseconds. */
  time: number;
  message: string;
  stream?: 'stdout' | 'stderr';
  level?: LogLevel;
  /** The attempt that logged it (task lines). */
  attempt?: number;
}

/** A run id as a view shows it beside a reused task: its random part (`20261203T084333012Z-249fd1` → `249fd1`). */
export function shortRunId(runId: string): string {
  return /^\d{8}T\d{9}Z-([0-9a-f]{6})$/.exec(runId)?.[1] ?? runId;
}

/** How many log lines a view keeps per task and for the handler: the last ones. */
export const LOG_LINES_KEPT = 200;

/** A record's own property (ids such as `__proto__` are valid task names). */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets a record's own property, whatever the key. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A task's run, when the model has a run that knows the task. */
export function taskRun(model: ViewModel, id: string): ViewTaskRun | undefined {
  return model.run ? own(model.run.tasks, id) : undefined;
}

/** A task's status in the view: `pending` when there is no run. */
export function taskStatus(model: ViewModel, id: string): TaskStatus {
  return taskRun(model, id)?.status ?? 'pending';
}

/** What a task received (or will receive): its dependencies' results, by task id, as the scheduler passes them. */
export function taskInput(model: ViewModel, id: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const task = model.tasks.find((t) => t.id === id);
  for (const dep of task?.dependencies ?? []) setOwn(input, dep, taskRun(model, dep)?.result);
  return input;
}
