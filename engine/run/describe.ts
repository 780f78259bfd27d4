import type { LogLevel, RunEvent, RunStartedEvent, RunStatus, RunSummary, TaskStatus } from './events';

/** One symbol per status (of a task or a run), shared by the CLI and the extension's output. */
export const STATUS_ICONS: Record<TaskStatus | RunStatus, string> = {
  pending: '·',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  timedOut: '⏱',
  skipped: '↷',
  cancelled: '■',
  interrupted: '↯',
};

/**
 * A duration as people read it: `850ms`, `12.35s`, `2m0s`. Each unit is chosen after rounding, so no
 * value reads as its unit's limit (`1000ms`, `60.00s`, `1m60s`).
 */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  if (Math.round(ms / 10) < 6000) return `${(ms / 1000).toFixed(2)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** Milliseconds as JSON output shows them: rounded to 0.1 ms (timers measure far finer than that means). */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** A summary with its durations (the run's and each task's) rounded to 0.1 ms, for JSON output. */
export function roundDurations(summary: RunSummary): RunSummary {
  // fromEntries defines properties, so a task named `__proto__` stays a task.
  const tasks = Object.fromEntries(Object.entries(summary.tasks).map(([id, task]) => [id, { ...task, durationMs: roundMs(task.durationMs) }]));
  return { ...summary, durationMs: roundMs(summary.durationMs), tasks };
}

export function describePlan(event: RunStartedEvent): string {
  const stages = event.stages.map((s) => `  stage ${s.index}: ${s.tasks.join(', ')}${s.after.length ? ` (after ${s.after.join(', ')})` : ''}`);
  return [`${event.job}: run ${event.runId}, ${event.tasks.length} tasks in ${event.stages.length} stages`, ...stages].join('\n');
}

/** The status an event's line is about, for colouring (an interrupted run's colour is a failure's). */
export function eventStatus(event: RunEvent): TaskStatus | undefined {
  switch (event.type) {
    case 'task-started':
      return 'running';
    case 'task-retrying':
      return 'failed';
    case 'task-finished':
      return event.status;
    case 'run-finished':
      return event.status === 'interrupted' ? 'failed' : event.status;
    default:
      return undefined;
  }
}

/** Logging levels shown by name before a line (`WARNING: disk almost full`); debug and info lines are plain. */
export const SHOWN_LEVELS: ReadonlySet<LogLevel> = new Set<LogLevel>(['warning', 'error', 'critical']);

const levelLabel = (level: LogLevel | undefined) => (level && SHOWN_LEVELS.has(level) ? `${level.toUpperCase()}: ` : '');

/** A Python traceback (the stack of a Python task's error), as opposed to a JavaScript stack. */
export const isTraceback = (stack: string | undefined): stack is string => stack?.startsWith('Traceback (most recent call last):') ?? false;

/** A run event as one human line (several for the plan): what the CLI prints and the output channel shows. */
export function describeEvent(event: RunEvent): string {
  switch (event.type) {
    case 'run-started':
      return describePlan(event);
    case 'task-started':
      return `${STATUS_ICONS.running} ${event.task} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
    case 'task-assigned':
      return `  ${event.task} runs on worker ${event.worker}`;
    case 'task-log':
      return `  ${event.task}: ${levelLabel(event.level)}${event.message}`;
    case 'run-log':
      return `  ${levelLabel(event.level)}${event.message}`;
    case 'task-retrying':
      return `↻ ${event.task} attempt ${event.attempt} failed (${event.error.message}); retrying in ${formatDuration(event.delayMs)}`;
    case 'task-finished': {
      if (event.reused) return `${STATUS_ICONS[event.status]} ${event.task} ${event.status} in run ${event.reused}: its result is reused`;
      const attempts = event.attempts > 1 ? `, ${event.attempts} attempts` : '';
      const why = event.error && event.status !== 'succeeded' ? `: ${event.error.message}` : '';
      return `${STATUS_ICONS[event.status]} ${event.task} ${event.status} in ${formatDuration(event.durationMs)}${attempts}${why}`;
    }
    case 'run-finished':
      return `${STATUS_ICONS[event.status]} ${event.summary.job} ${event.status} in ${formatDuration(event.durationMs)}${event.summary.error ? `: ${event.summary.error}` : ''}`;
  }
}
