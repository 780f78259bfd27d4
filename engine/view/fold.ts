import type { ErrorInfo, PlannedTask, RunEvent, RunStartedEvent } from '../run/events';
import { LOG_LINES_KEPT, own, setOwn, type ViewAttempt, type ViewLogLine, type ViewModel, type ViewRun, type ViewTask, type ViewTaskRun } from './model';

/**
 * Folds run events into a view model, one at a time: the host folds a record this way, and the browser
 * app folds each live event it is sent. Statuses, attempt numbers and durations follow the run's summary
 * (`RunState`, run/summary.ts: a test holds them together); the view adds each attempt's times and
 * outcome, results, errors with their stacks and the last log lines.
 */

/** What an event changed: the graph's structure (lay it out again), every task (a new run), one task, or only the run. */
export interface Change {
  structure?: boolean;
  everyTask?: boolean;
  task?: string;
}

export function applyEvent(model: ViewModel, event: RunEvent): Change {
  const change: Change = {};
  if (event.type === 'run-started') {
    if (adoptPlan(model, event)) change.structure = true;
    model.run = newRun(
      event.runId,
      event.time,
      event.tasks.map((t) => t.id),
    );
    change.everyTask = true;
  }
  const run = (model.run ??= newRun(
    event.runId,
    event.time,
    model.tasks.map((t) => t.id),
  ));
  run.lastSeq = event.seq;
  run.lastTime = Math.max(run.lastTime, event.time);
  switch (event.type) {
    case 'run-started':
      break;
    case 'task-started': {
      const task = taskOf(run, (change.task = event.task));
      closeOpen(task, event.time, 'cancelled');
      task.status = 'running';
      task.attempt = event.attempt;
      task.attempts.push({ attempt: event.attempt, start: event.time, outcome: 'running' });
      break;
    }
    case 'task-assigned': {
      const task = taskOf(run, (change.task = event.task));
      task.worker = event.worker;
      const attempt = task.attempts.find((a) => a.attempt === event.attempt);
      if (attempt) attempt.worker = event.worker;
      break;
    }
    case 'task-retrying': {
      const task = taskOf(run, (change.task = event.task));
      const attempt = openAttempt(task, event.attempt);
      if (attempt) {
        attempt.end = event.time;
        attempt.outcome = isTimeout(event.error) ? 'timedOut' : 'failed';
        attempt.error = event.error;
        attempt.retryDelayMs = event.delayMs;
      }
      break;
    }
    case 'task-finished': {
      const task = taskOf(run, (change.task = event.task));
      task.status = event.status;
      task.attempt = event.attempts;
      task.durationMs = event.durationMs;
      if (event.error) task.error = event.error;
      if (event.reused !== undefined) task.reused = event.reused;
      if (event.status === 'succeeded' && 'result' in event) task.result = event.result;
      const attempt = openAttempt(task);
      if (attempt) {
        attempt.end = event.time;
        attempt.outcome = event.status === 'skipped' ? 'cancelled' : event.status;
        if (event.error) attempt.error = event.error;
      }
      break;
    }
    case 'task-log': {
      const task = taskOf(run, (change.task = event.task));
      const line = logLine(event);
      if (task.attempt > 0) line.attempt = task.attempt;
      task.droppedLogs += keep(task.logs, line);
      break;
    }
    case 'run-log':
      run.droppedLogs += keep(run.logs, logLine(event));
      break;
    case 'run-finished':
      run.status = event.status;
      run.durationMs = event.durationMs;
      run.finished = true;
      if (event.summary.output !== undefined) run.output = event.summary.output;
      if (event.summary.error !== undefined) run.error = event.summary.error;
      break;
  }
  if (!run.finished) run.durationMs = Math.max(0, event.time - run.startedAt);
  return change;
}

/** Every event of a list folded into the model (a recorded run, or a snapshot's events). */
export function applyEvents(model: ViewModel, events: Iterable<RunEvent>): ViewModel {
  for (const event of events) applyEvent(model, event);
  return model;
}

function newRun(runId: string, time: number, ids: readonly string[]): ViewRun {
  const run: ViewRun = {
    runId,
    status: 'running',
    startedAt: time,
    lastTime: time,
    durationMs: 0,
    lastSeq: 0,
    finished: false,
    tasks: {},
    logs: [],
    droppedLogs: 0,
  };
  for (const id of ids) setOwn(run.tasks, id, newTaskRun());
  return run;
}

function newTaskRun(): ViewTaskRun {
  return { status: 'pending', attempt: 0, durationMs: 0, attempts: [], logs: [], droppedLogs: 0 };
}

function taskOf(run: ViewRun, id: string): ViewTaskRun {
  let task = own(run.tasks, id);
  if (!task) setOwn(run.tasks, id, (task = newTaskRun()));
  return task;
}

/** The attempt still under way (the given one, or the last), if any. */
function openAttempt(task: ViewTaskRun, attempt?: number): ViewAttempt | undefined {
  const last = task.attempts[task.attempts.length - 1];
  if (!last || last.end !== undefined) return undefined;
  return attempt === undefined || last.attempt === attempt ? last : undefined;
}

/** An attempt left open when the next one starts was lost (its worker died): it ended then. */
function closeOpen(task: ViewTaskRun, time: number, outcome: ViewAttempt['outcome']): void {
  const open = openAttempt(task);
  if (open) {
    open.end = time;
    open.outcome = outcome;
  }
}

/** The scheduler's message for an attempt that ran out of time (a timeout has no stack; a thrown error does). */
function isTimeout(error: ErrorInfo): boolean {
  return error.stack === undefined && /^timed out after /.test(error.message);
}

function logLine(event: { time: number; message: string; stream?: ViewLogLine['stream']; level?: ViewLogLine['level'] }): ViewLogLine {
  const line: ViewLogLine = { time: event.time, message: event.message };
  if (event.stream) line.stream = event.stream;
  if (event.level) line.level = event.level;
  return line;
}

/** Appends a line, dropping the oldest past the limit; returns how many were dropped. */
function keep(lines: ViewLogLine[], line: ViewLogLine): number {
  lines.push(line);
  if (lines.length <= LOG_LINES_KEPT) return 0;
  lines.splice(0, lines.length - LOG_LINES_KEPT);
  return 1;
}

/**
 * A run draws the graph it planned: when its plan differs from the model's tasks (the config changed
 * since), the tasks become the plan's, keeping what the config said of those that are still there.
 * Returns whether the structure changed.
 */
function adoptPlan(model: ViewModel, started: RunStartedEvent): boolean {
  const ids = new Set(started.tasks.map((t) => t.id));
  const planned = started.tasks.map((t) => ({ ...t, dependencies: [...new Set(t.dependencies)].filter((d) => d !== t.id && ids.has(d)) }));
  if (samePlan(model.tasks, planned)) return false;
  const known = new Map(model.tasks.map((t) => [t.id, t]));
  model.tasks = planned.map((p): ViewTask => ({ ...known.get(p.id), id: p.id, className: p.className, dependencies: p.dependencies, stage: p.stage }));
  if (model.job === '') model.job = started.job;
  return true;
}

function samePlan(tasks: readonly ViewTask[], planned: readonly PlannedTask[]): boolean {
  if (tasks.length !== planned.length) return false;
  return tasks.every((t, i) => {
    const p = planned[i];
    return t.id === p.id && t.stage === p.stage && t.dependencies.length === p.dependencies.length && t.dependencies.every((d, j) => d === p.dependencies[j]);
  });
}
