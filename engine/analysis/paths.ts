import type { JobModel, TaskModel } from '../config/types';

/** JSON paths of the places checks report on. */
export const jobPath = (job: JobModel) => ['jobs', job.index] as const;
export const taskPath = (job: JobModel, task: TaskModel) => ['jobs', job.index, 'tasks', task.index] as const;
export const dependencyPath = (job: JobModel, task: TaskModel, slot: number) => [...taskPath(job, task), 'dependencies', slot] as const;
/** The string that names a task's class: `task` when given, else `name`. */
export const classNamePath = (job: JobModel, task: TaskModel) => [...taskPath(job, task), task.className === task.id ? 'name' : 'task'] as const;
