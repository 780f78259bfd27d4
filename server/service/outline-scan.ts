import { forEachElement, forEachMember, kindAt, readString, skipValue, skipWhitespace } from '../../engine/config/json-scan';
import type { DependencyEntry, JobEntry, Named, Outline, TaskEntry } from './outline';

/**
 * The outline of a text that `JSON.parse` accepted, in one iterative pass that descends only into
 * `jobs`, its jobs, their `tasks` and the tasks' `dependencies`, and skips everything else. With
 * duplicate keys the last one wins, as in `JSON.parse`. The scanning helpers are the engine's
 * (engine/config/json-scan.ts).
 */
export function outlineFromText(text: string): Outline {
  let jobs: JobEntry[] = [];
  const start = skipWhitespace(text, 0);
  if (kindAt(text, start) !== 'object') return { jobs };
  forEachMember(text, start, (key, at) => {
    if (key !== 'jobs' || kindAt(text, at) !== 'array') return skipValue(text, at);
    jobs = [];
    return forEachElement(text, at, (index, el) => (kindAt(text, el) === 'object' ? job(text, el, index, jobs) : skipValue(text, el)));
  });
  return { jobs };
}

function job(text: string, start: number, index: number, jobs: JobEntry[]): number {
  const entry: JobEntry = { index, span: { start, end: start }, tasks: [] };
  entry.span.end = forEachMember(text, start, (key, at) => {
    if (key === 'name' || key === 'handler') return named(text, at, (n) => (entry[key] = n));
    if (key !== 'tasks' || kindAt(text, at) !== 'array') return skipValue(text, at);
    entry.tasks = [];
    return forEachElement(text, at, (i, el) => (kindAt(text, el) === 'object' ? task(text, el, i, entry.tasks) : skipValue(text, el)));
  });
  jobs.push(entry);
  return entry.span.end;
}

function task(text: string, start: number, index: number, tasks: TaskEntry[]): number {
  const entry: TaskEntry = { index, span: { start, end: start }, dependencies: [] };
  entry.span.end = forEachMember(text, start, (key, at) => {
    if (key === 'name' || key === 'task') return named(text, at, (n) => (entry[key] = n));
    if (key !== 'dependencies' || kindAt(text, at) !== 'array') return skipValue(text, at);
    const dependencies: DependencyEntry[] = [];
    entry.dependencies = dependencies;
    return forEachElement(text, at, (slot, el) => named(text, el, (n) => dependencies.push({ ...n, slot })));
  });
  tasks.push(entry);
  return entry.span.end;
}

/** A string value, handed to `found`; anything else is skipped (and `found` is not called). */
function named(text: string, at: number, found: (n: Named) => void): number {
  const end = skipValue(text, at);
  if (kindAt(text, at) === 'string') found({ value: readString(text, at, end), span: { start: at, end } });
  return end;
}
