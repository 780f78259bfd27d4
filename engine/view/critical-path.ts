import { own, type ViewModel, type ViewTaskRun } from './model';

/**
 * The critical path, first task to last: the chain of dependencies that took longest. With a run, a
 * task weighs what it took (its duration once ended; for one under way, the time since its first
 * attempt started), and tasks that never ran weigh nothing; without a run, every task weighs one, so the
 * path is the longest chain of tasks. Ties go to the longer chain, then to the task first in the config.
 * Linear in tasks and dependencies: the app recomputes it as events come.
 */
export function criticalPath(model: ViewModel, now = model.run?.lastTime ?? 0): string[] {
  const { tasks, run } = model;
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  // Stages order the tasks topologically (a dependency's stage is lower); unreachable ones (0) are left out.
  const order = tasks
    .map((_, i) => i)
    .filter((i) => tasks[i].stage > 0)
    .sort((a, b) => tasks[a].stage - tasks[b].stage || a - b);
  // With a run, only tasks that ran are on the path (a skipped task did not hold anything up).
  const counts = (i: number) => !run || (own(run.tasks, tasks[i].id)?.attempts.length ?? 0) > 0;
  const on = new Uint8Array(tasks.length);
  const best = new Float64Array(tasks.length);
  const length = new Int32Array(tasks.length);
  const via = new Int32Array(tasks.length).fill(-1);
  let end = -1;
  for (const i of order) {
    if (!counts(i)) continue;
    let from = -1;
    for (const dep of tasks[i].dependencies) {
      const d = index.get(dep);
      if (d === undefined || !on[d] || tasks[d].stage >= tasks[i].stage) continue;
      if (from === -1 || longer(best[d], length[d], best[from], length[from])) from = d;
    }
    on[i] = 1;
    best[i] = (run ? ranFor(own(run.tasks, tasks[i].id), now) : 1) + (from === -1 ? 0 : best[from]);
    length[i] = 1 + (from === -1 ? 0 : length[from]);
    via[i] = from;
    if (end === -1 || longer(best[i], length[i], best[end], length[end])) end = i;
  }
  const path: string[] = [];
  for (let i = end; i !== -1; i = via[i]) path.push(tasks[i].id);
  return path.reverse();
}

function longer(weight: number, length: number, thanWeight: number, thanLength: number): boolean {
  return weight > thanWeight || (weight === thanWeight && length > thanLength);
}

/** What a task took in a run: its duration once ended, the time since its first start while under way. */
function ranFor(task: ViewTaskRun | undefined, now: number): number {
  if (!task || task.attempts.length === 0) return 0;
  if (task.status !== 'running') return task.durationMs;
  return Math.max(0, now - task.attempts[0].start);
}
