import { formatDuration } from '../engine/run/describe';
import type { RunSummary } from '../engine/run/events';
import { offersRerunFailed } from './reruns';

/** How a run ended, as the end-of-run notification and the status bar tell it (pure, no `vscode`). */
export interface RunOutcome {
  /** The notification's kind. */
  severity: 'info' | 'warning' | 'error';
  /** `job1 succeeded in 3.10s`, `job1 failed: Task3`, `job1 cancelled`. */
  message: string;
  /** Whether it failed (or was interrupted): the notification then offers to run it again. */
  failed: boolean;
  /** The status bar's text: a codicon and the job's status (`$(pass) job1 succeeded`). */
  statusText: string;
}

/** Failed tasks named in a message; the rest are counted. */
const MAX_NAMED = 3;
/** A run's own error (a handler hook threw, the worker died) is cut to this in a message. */
const MAX_ERROR_CHARS = 200;

const STATUS_ICONS: Record<RunSummary['status'], string> = {
  running: '$(sync~spin)',
  succeeded: '$(pass)',
  failed: '$(error)',
  cancelled: '$(circle-slash)',
  interrupted: '$(debug-disconnect)',
};

/** A run's own error on one line, cut. */
function shortError(error: string): string {
  const line = error.split('\n', 1)[0].trim();
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
}

/** The tasks that made the run fail, in the summary's order: `Task3`, `Task3 (timed out), Task5 and 2 more`. */
function failedTasks(tasks: RunSummary['tasks']): string {
  const failed = Object.entries(tasks).filter(([, t]) => t.status === 'failed' || t.status === 'timedOut');
  const named = failed.slice(0, MAX_NAMED).map(([id, t]) => (t.status === 'timedOut' ? `${id} (timed out)` : id));
  const more = failed.length - named.length;
  if (named.length === 0) return '';
  if (more > 0) return `${named.join(', ')} and ${more} more`;
  return named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named.at(-1)!}`;
}

/** How a finished run ended: the message of its notification and the text of the status bar. */
export function runOutcome(run: Pick<RunSummary, 'job' | 'status' | 'durationMs' | 'tasks' | 'error'>): RunOutcome {
  const { job, status } = run;
  const statusText = `${STATUS_ICONS[status]} ${job} ${status}`;
  switch (status) {
    case 'succeeded':
      return { severity: 'info', message: `${job} succeeded in ${formatDuration(run.durationMs)}`, failed: false, statusText };
    case 'cancelled':
      return { severity: 'warning', message: `${job} cancelled`, failed: false, statusText };
    case 'failed': {
      const why = failedTasks(run.tasks) || (run.error ? shortError(run.error) : '');
      return { severity: 'error', message: why ? `${job} failed: ${why}` : `${job} failed`, failed: true, statusText };
    }
    case 'interrupted':
      return { severity: 'error', message: `${job} was interrupted${run.error ? `: ${shortError(run.error)}` : ''}`, failed: true, statusText };
    case 'running':
      return { severity: 'info', message: `${job} is running`, failed: false, statusText };
  }
}

/** The end-of-run notification's buttons, in order. */
export type RunEndAction = 'Show Run' | 'Show Log' | 'Re-run' | 'Re-run Failed';

/**
 * What the end-of-run notification offers: the run and its log; when it failed, to run it again; when it
 * failed or was cancelled, to re-run only what did not succeed ("Re-run Failed").
 */
export function runEndActions(run: Pick<RunSummary, 'job' | 'status' | 'durationMs' | 'tasks' | 'error'> & { finished: boolean }): RunEndAction[] {
  const actions: RunEndAction[] = ['Show Run', 'Show Log'];
  if (runOutcome(run).failed) actions.push('Re-run');
  if (offersRerunFailed(run)) actions.push('Re-run Failed');
  return actions;
}
