/**
 * Texts and ids of the jobs view's items that need no `vscode` (pure, unit-tested in test/client):
 * a stage's description, the concurrency it is told with, a run's item id.
 */

/**
 * The most tasks of a job that run at once: the job's own `maxConcurrency`, else the
 * `fastasyncio.defaultConcurrency` setting; undefined when nothing limits them.
 */
export function effectiveConcurrency(maxConcurrency: number | undefined, defaultConcurrency: number | undefined): number | undefined {
  return maxConcurrency ?? defaultConcurrency;
}

/**
 * A stage's description: how many tasks it holds, and how many of them can run at once (`concurrency`,
 * undefined or null when unlimited): `1 task`, `3 tasks in parallel`, `3 tasks, 2 at a time`,
 * `3 tasks, one at a time`.
 */
export function stageDescription(tasks: number, concurrency: number | null | undefined): string {
  if (tasks <= 1) return `${tasks} task`;
  if (concurrency === undefined || concurrency === null || concurrency >= tasks) return `${tasks} tasks in parallel`;
  if (concurrency <= 1) return `${tasks} tasks, one at a time`;
  return `${tasks} tasks, ${concurrency} at a time`;
}

/**
 * A task's description before any run of its job: what it waits for (`after Task1, Task2`), else
 * nothing. Long lists are cut (`after A, B, C, D, E and 3 more`).
 */
export function plannedTaskDescription(dependencies: readonly string[], shown = 5): string {
  if (dependencies.length === 0) return '';
  const named = dependencies.slice(0, shown).join(', ');
  return `after ${named}${dependencies.length > shown ? ` and ${dependencies.length - shown} more` : ''}`;
}

/**
 * The tree item id of a run. The view keeps an item's expanded state by its id, whatever the item says
 * later: a run that is no longer its job's newest takes another id, so that it shows folded while the
 * newest one (a new id) shows expanded.
 */
export function runItemId(runId: string, newest: boolean): string {
  return newest ? `run:${runId}` : `run:${runId}:older`;
}
