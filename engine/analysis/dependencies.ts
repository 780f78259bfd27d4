import { rawDependencies } from '../config/model';
import type { ConfigModel } from '../config/types';
import type { Finding } from './findings';
import { type DependencyGraph, dependencyGraph, firstIndexById } from './graph';
import { dependencyPath } from './paths';
import { closestName } from './similar';

/** Past this many unknown names in one job, "did you mean" is skipped: it costs a scan of every task. */
const MAX_SUGGESTIONS = 200;

/**
 * `unknown-dependency` (with the close name) and `self-dependency`. `idsOf[j]` is
 * `firstIndexById(model.jobs[j])` and `graphs[j]` `dependencyGraph(model.jobs[j])` when the caller has them.
 */
export function checkDependencies(
  value: unknown,
  model: ConfigModel,
  idsOf: readonly Map<string, number>[] = model.jobs.map(firstIndexById),
  graphs: readonly DependencyGraph[] = model.jobs.map((job, j) => dependencyGraph(job, idsOf[j])),
): Finding[] {
  const findings: Finding[] = [];
  model.jobs.forEach((job, j) => {
    const ids = idsOf[j];
    // The graph has looked every name up already: when each task is in it (no repeated name) and each of
    // their names was another task's, there is nothing to report, and no name to look up again.
    if (ids.size === job.tasks.length && graphs[j].unresolved === 0) return;
    let suggestions = 0;
    for (const task of job.tasks) {
      const raw = rawDependencies(value, job, task);
      for (let slot = 0; slot < raw.length; slot++) {
        const dep = raw[slot];
        if (typeof dep !== 'string' || (dep !== task.id && ids.has(dep))) continue;
        const at = { path: dependencyPath(job, task, slot), part: 'value' as const };
        if (dep === task.id) {
          findings.push({
            code: 'self-dependency',
            severity: 'error',
            message: `Task "${task.id}" depends on itself, so it can never start`,
            at,
            data: { job: job.name, task: task.id, dependency: dep },
          });
        } else if (!ids.has(dep)) {
          const suggestion = suggestions++ < MAX_SUGGESTIONS ? closestName(dep, ids.keys()) : undefined;
          findings.push({
            code: 'unknown-dependency',
            severity: 'error',
            message: `Unknown dependency "${dep}": job "${job.name}" has no task with that name${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
            at,
            data: { job: job.name, task: task.id, dependency: dep, ...(suggestion ? { suggestion } : {}) },
          });
        }
      }
    }
  });
  return findings;
}
