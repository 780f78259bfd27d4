import type { DependencyEntry, JobEntry, Named, Outline, Span, TaskEntry } from './outline';

/** The string of the outline under the cursor, and what it names. */
export type Target =
  | { kind: 'job'; job: JobEntry; at: Named }
  | { kind: 'handler'; job: JobEntry; at: Named }
  /** A task's `name`: its id (and its class when there is no `task`). */
  | { kind: 'task'; job: JobEntry; task: TaskEntry; at: Named }
  /** A task's `task`: its class. */
  | { kind: 'class'; job: JobEntry; task: TaskEntry; at: Named }
  | { kind: 'dependency'; job: JobEntry; task: TaskEntry; at: DependencyEntry };

export const contains = (span: Span, offset: number): boolean => span.start <= offset && offset < span.end;

export function jobAt(outline: Outline, offset: number): JobEntry | undefined {
  return outline.jobs.find((j) => contains(j.span, offset));
}

export function targetAt(outline: Outline, offset: number): Target | undefined {
  const job = jobAt(outline, offset);
  if (!job) return undefined;
  if (job.name && contains(job.name.span, offset)) return { kind: 'job', job, at: job.name };
  if (job.handler && contains(job.handler.span, offset)) return { kind: 'handler', job, at: job.handler };
  const task = job.tasks.find((t) => contains(t.span, offset));
  if (!task) return undefined;
  if (task.name && contains(task.name.span, offset)) return { kind: 'task', job, task, at: task.name };
  if (task.task && contains(task.task.span, offset)) return { kind: 'class', job, task, at: task.task };
  const dependency = task.dependencies.find((d) => contains(d.span, offset));
  return dependency && { kind: 'dependency', job, task, at: dependency };
}

/** The first task of the job with that id (a second one is a `duplicate-task`). */
export function taskNamed(job: JobEntry, id: string): TaskEntry | undefined {
  return job.tasks.find((t) => t.name?.value === id);
}

/** The class a task runs, and the string that names it: `task` when given, else `name`. */
export function classOf(task: TaskEntry): Named | undefined {
  return task.task ?? task.name;
}

/** The tasks of the job that list `id` among their dependencies. */
export function dependentsOf(job: JobEntry, id: string): TaskEntry[] {
  return job.tasks.filter((t) => t.dependencies.some((d) => d.value === id));
}

/** The span of a string's content, without its quotes. */
export function inner(span: Span): Span {
  return { start: span.start + 1, end: Math.max(span.start + 1, span.end - 1) };
}

/** Every place a task id stands in its job: its `name` and each dependency that names it. */
export function occurrences(job: JobEntry, id: string): { declaration?: Named; uses: DependencyEntry[] } {
  const uses = job.tasks.flatMap((t) => t.dependencies.filter((d) => d.value === id));
  return { declaration: taskNamed(job, id)?.name, uses };
}

/** The task id under the cursor: a task's `name` or a dependency. */
export function taskIdAt(outline: Outline, offset: number): { job: JobEntry; id: string; at: Named } | undefined {
  const target = targetAt(outline, offset);
  return target?.kind === 'task' || target?.kind === 'dependency' ? { job: target.job, id: target.at.value, at: target.at } : undefined;
}
