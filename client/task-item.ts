import { formatDuration } from '../engine/run/describe';
import type { TaskSummary } from '../engine/run/events';
import { reusedText } from './reruns';

/**
 * A task's description in the jobs view (pure, no `vscode`): its status, how long it took once it ended,
 * its attempt when that says something, and the worker that ran its last attempt on workers:
 * `succeeded · 1.20s · on w1`, `running · attempt 2 · on w1`. A task that did not run, its result taken
 * from an earlier run, says which: `succeeded · reused from 249fd1`.
 */
export function taskDescription(summary: TaskSummary): string {
  if (summary.reused !== undefined) return `${summary.status} · ${reusedText(summary.reused)}`;
  const parts: string[] = [summary.status];
  if (summary.status !== 'pending' && summary.status !== 'running') parts.push(formatDuration(summary.durationMs));
  if (summary.attempts > 1 || (summary.status === 'running' && summary.attempts > 0)) parts.push(`attempt ${summary.attempts}`);
  if (summary.worker) parts.push(`on ${summary.worker}`);
  return parts.join(' · ');
}
