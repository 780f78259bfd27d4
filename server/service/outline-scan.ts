import { skipString, skipValue } from '../../engine/config/json-scan';
import type { DependencyEntry, JobEntry, Named, Outline, TaskEntry } from './outline';

/**
 * The outline of a text that `JSON.parse` accepted, in one iterative pass that descends only into
 * `jobs`, its jobs, their `tasks` and the tasks' `dependencies`, and skips everything else. With
 * duplicate keys the last one wins, as in `JSON.parse`.
 */
export function outlineFromText(text: string): Outline {
  let jobs: JobEntry[] = [];
  const start = skipSpace(text, 0);
  if (text.charCodeAt(start) !== OPEN_BRACE) return { jobs };
  members(text, start, (key, at) => {
    if (key !== 'jobs' || text.charCodeAt(at) !== OPEN_BRACKET) return skipValue(text, at);
    jobs = [];
    return elements(text, at, (index, el) => (text.charCodeAt(el) === OPEN_BRACE ? job(text, el, index, jobs) : skipValue(text, el)));
  });
  return { jobs };
}

function job(text: string, start: number, index: number, jobs: JobEntry[]): number {
  const entry: JobEntry = { index, span: { start, end: start }, tasks: [] };
  entry.span.end = members(text, start, (key, at) => {
    if (key === 'name' || key === 'handler') return named(text, at, (n) => (entry[key] = n));
    if (key !== 'tasks' || text.charCodeAt(at) !== OPEN_BRACKET) return skipValue(text, at);
    entry.tasks = [];
    return elements(text, at, (i, el) => (text.charCodeAt(el) === OPEN_BRACE ? task(text, el, i, entry.tasks) : skipValue(text, el)));
  });
  jobs.push(entry);
  return entry.span.end;
}

function task(text: string, start: number, index: number, tasks: TaskEntry[]): number {
  const entry: TaskEntry = { index, span: { start, end: start }, dependencies: [] };
  entry.span.end = members(text, start, (key, at) => {
    if (key === 'name' || key === 'task') return named(text, at, (n) => (entry[key] = n));
    if (key !== 'dependencies' || text.charCodeAt(at) !== OPEN_BRACKET) return skipValue(text, at);
    const dependencies: DependencyEntry[] = [];
    entry.dependencies = dependencies;
    return elements(text, at, (slot, el) => named(text, el, (n) => dependencies.push({ ...n, slot })));
  });
  tasks.push(entry);
  return entry.span.end;
}

/** A string value, handed to `found`; anything else is skipped (and `found` is not called). */
function named(text: string, at: number, found: (n: Named) => void): number {
  const end = skipValue(text, at);
  if (text.charCodeAt(at) === QUOTE) found({ value: stringAt(text, at, end), span: { start: at, end } });
  return end;
}

function stringAt(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** Calls `visit(key, valueStart)` for each member of the object at `open`; `visit` returns the value's end. */
function members(text: string, open: number, visit: (key: string, at: number) => number): number {
  let i = skipSpace(text, open + 1);
  while (i < text.length && text.charCodeAt(i) === QUOTE) {
    const keyEnd = skipString(text, i);
    const key = stringAt(text, i, keyEnd);
    i = skipSpace(text, keyEnd);
    i = skipSpace(text, visit(key, skipSpace(text, i + 1)));
    if (text.charCodeAt(i) === COMMA) i = skipSpace(text, i + 1);
  }
  return Math.min(i + 1, text.length);
}

/** Calls `visit(index, start)` for each element of the array at `open`; `visit` returns the element's end. */
function elements(text: string, open: number, visit: (index: number, at: number) => number): number {
  let i = skipSpace(text, open + 1);
  for (let index = 0; i < text.length && text.charCodeAt(i) !== CLOSE_BRACKET; index++) {
    i = skipSpace(text, visit(index, i));
    if (text.charCodeAt(i) === COMMA) i = skipSpace(text, i + 1);
  }
  return Math.min(i + 1, text.length);
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xfeff) return i;
    i++;
  }
}
