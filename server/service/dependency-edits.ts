import type { DependencyEntry, JobEntry, Span, TaskEntry } from './outline';

/** The entry of `task`'s dependencies that names `dependency` (the first one). */
export function dependencyEntry(job: JobEntry, task: string, dependency: string): { task: TaskEntry; entry: DependencyEntry } | undefined {
  for (const t of job.tasks) {
    if (t.name?.value !== task) continue;
    const entry = t.dependencies.find((d) => d.value === dependency);
    if (entry) return { task: t, entry };
  }
  return undefined;
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * What to delete to take one element out of a JSON array and leave valid JSON: the element and the
 * comma after it (or, for the last element, the comma before it).
 */
export function removalSpan(text: string, element: Span): Span {
  let after = element.end;
  while (after < text.length && isSpace(text.charCodeAt(after))) after++;
  if (text.charCodeAt(after) === 0x2c) {
    after++;
    while (after < text.length && isSpace(text.charCodeAt(after))) after++;
    return { start: element.start, end: after };
  }
  let before = element.start;
  while (before > 0 && isSpace(text.charCodeAt(before - 1))) before--;
  if (text.charCodeAt(before - 1) === 0x2c) return { start: before - 1, end: element.end };
  return element;
}
