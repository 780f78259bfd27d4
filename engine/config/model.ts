import type { ConfigModel, JobModel, OnFailure, ProjectLayout, TaskModel } from './types';

type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A task entry's class: its `task` when that is a string, else its `name`. */
export function taskClassName(entry: Json, name: string): string {
  return typeof entry.task === 'string' ? entry.task : name;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The strings of a `dependencies` list. A list of strings only, the usual case, is the parsed value's own
 * array (neither the model nor the value is changed once built): a copy per task was 6 MB more for the
 * collector to copy on a config of 100,000 tasks.
 */
function strings(list: unknown[]): string[] {
  for (const item of list) if (typeof item !== 'string') return list.filter((d): d is string => typeof d === 'string');
  return list as string[];
}

/**
 * Builds the model from a parsed config, leniently: what has the wrong shape is left out (the schema
 * check reports it), so editor features keep working on a config that is being typed. Indexes point
 * back into the document's arrays.
 */
export function buildModel(value: unknown, layout: ProjectLayout): ConfigModel {
  const jobs: JobModel[] = [];
  const rawJobs = isObject(value) && Array.isArray(value.jobs) ? value.jobs : [];
  rawJobs.forEach((raw: unknown, index: number) => {
    if (!isObject(raw) || typeof raw.name !== 'string') return;
    const handler = typeof raw.handler === 'string' ? raw.handler : '';
    const tasks: TaskModel[] = [];
    const rawTasks = Array.isArray(raw.tasks) ? raw.tasks : [];
    rawTasks.forEach((t: unknown, taskIndex: number) => {
      if (!isObject(t) || typeof t.name !== 'string') return;
      tasks.push({
        id: t.name,
        className: taskClassName(t, t.name),
        dependencies: Array.isArray(t.dependencies) ? strings(t.dependencies) : [],
        params: isObject(t.params) ? t.params : {},
        timeout: optionalNumber(t.timeout),
        retries: optionalNumber(t.retries) ?? 0,
        retryDelay: optionalNumber(t.retryDelay) ?? 0,
        index: taskIndex,
      });
    });
    jobs.push({
      name: raw.name,
      handler,
      handlerClass: handler.slice(handler.lastIndexOf('.') + 1),
      description: typeof raw.description === 'string' ? raw.description : undefined,
      maxConcurrency: optionalNumber(raw.maxConcurrency),
      onFailure: raw.onFailure === 'stop' ? 'stop' : ('continue' satisfies OnFailure),
      tasks,
      index,
    });
  });
  return { layout, jobs };
}

/** The raw `dependencies` array of a task entry, for checks that point at one entry by its index. */
export function rawDependencies(value: unknown, job: JobModel, task: TaskModel): unknown[] {
  if (!isObject(value) || !Array.isArray(value.jobs)) return [];
  const rawJob: unknown = value.jobs[job.index];
  if (!isObject(rawJob) || !Array.isArray(rawJob.tasks)) return [];
  const rawTask: unknown = rawJob.tasks[task.index];
  return isObject(rawTask) && Array.isArray(rawTask.dependencies) ? rawTask.dependencies : [];
}
