import type { ConfigModel } from '../config/types';
import type { Finding } from './findings';
import { firstIndexById } from './graph';
import { jobPath, taskPath } from './paths';

/**
 * `duplicate-job` and `duplicate-task`: a second entry with a name already used, pointing at the first.
 * `ids[j]` is `firstIndexById(model.jobs[j])` when the caller has it.
 */
export function checkDuplicateNames(model: ConfigModel, ids: readonly Map<string, number>[] = model.jobs.map(firstIndexById)): Finding[] {
  const findings: Finding[] = [];
  const jobs = new Map<string, (typeof model.jobs)[number]>();
  model.jobs.forEach((job, j) => {
    const first = jobs.get(job.name);
    if (first) {
      findings.push({
        code: 'duplicate-job',
        severity: 'error',
        message: `Job "${job.name}" is defined twice; job names must be unique`,
        at: { path: [...jobPath(job), 'name'], part: 'value' },
        related: [{ message: `First definition of "${job.name}"`, at: { path: [...jobPath(first), 'name'], part: 'value' } }],
        data: { job: job.name },
      });
    } else {
      jobs.set(job.name, job);
    }
    const firstOf = ids[j];
    // As many names as tasks: none is repeated, and no task need be looked up.
    if (firstOf.size === job.tasks.length) return;
    for (const task of job.tasks) {
      const firstTask = job.tasks[firstOf.get(task.id)!];
      if (firstTask === task) continue;
      findings.push({
        code: 'duplicate-task',
        severity: 'error',
        message: `Task "${task.id}" is defined twice in job "${job.name}"; give one a different "name" (and "task": "${task.className}" to reuse the class)`,
        at: { path: [...taskPath(job, task), 'name'], part: 'value' },
        related: [{ message: `First definition of "${task.id}"`, at: { path: [...taskPath(job, firstTask), 'name'], part: 'value' } }],
        data: { job: job.name, task: task.id },
      });
    }
  });
  return findings;
}
