import { formatDuration } from '../engine/run/describe';
import type { TaskSummary } from '../engine/run/events';

/**
 * A task's description in the jobs view (pure, no `vscode`): its status, how long it took once it ended,
 * its attempt when that says something, and the worker that ran its last attempt on workers:
 * `succeeded · 1.20s · on w1`, `running · attempt 2 · on w1`.
 */
export function taskDescription(summary: TaskSummary): string {
  const parts: string[] = [summary.status];
  if (summary.status !== 'pending' && summary.status !== 'running') parts.push(formatDuration(summary.durationMs));
  if (summary.attempts > 1 || (summary.status === 'running' && summary.attempts > 0)) parts.push(`attempt ${summary.attempts}`);
  if (summary.worker) parts.push(`on ${summary.worker}`);
  return parts.join(' · ');
}
