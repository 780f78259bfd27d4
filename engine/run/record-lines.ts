import type { RunEvent } from './events';

/**
 * Two lines of a record in three are a task's `task-started` and `task-finished`, and `JSON.stringify`
 * was the largest single cost of recording them. The scheduler's own ones (its keys in its order, nothing
 * inherited, primitive values) are written here by hand, with exactly the characters `JSON.stringify`
 * writes; any other shape (an `error`, an object result, a re-run's `reused`, keys in another order) is
 * undefined here and goes the general way.
 *
 * What is the same from line to line is made once and kept while it stays the same: the start of a line
 * up to `"seq":` (its type and the run's id), the time and the keys around it (many lines are written
 * within the same millisecond, and turning a number into text costs more than the rest of a line), and
 * what follows the task's name (`"status":"succeeded","attempts":1` on almost every line). A line is
 * then a few pieces joined, rather than a dozen.
 */
export function taskLine(event: RunEvent): string | undefined {
  if (event.type === 'task-started') {
    if (keyCount(event, STARTED_KEYS, false) < 0 || typeof event.attempt !== 'number') return undefined;
    const start = head(event);
    return start === undefined ? undefined : start + startedTail(event.attempt);
  }
  if (event.type !== 'task-finished') return undefined;
  const keys = keyCount(event, FINISHED_KEYS, true);
  if (keys < 0 || typeof event.status !== 'string' || typeof event.attempts !== 'number' || typeof event.durationMs !== 'number') return undefined;
  const start = head(event);
  if (start === undefined) return undefined;
  const line = start + finishedMiddle(event.status, event.attempts) + num(event.durationMs);
  if (keys === FINISHED_KEYS.length) return line + '}';
  const result = primitive(event.result);
  return result === undefined ? undefined : `${line},"result":${result}}`;
}

/** The keys of the scheduler's task events, in the order it makes them (a `task-finished` may add `result`). */
const STARTED_KEYS = ['type', 'runId', 'seq', 'time', 'task', 'attempt'];
const FINISHED_KEYS = ['type', 'runId', 'seq', 'time', 'task', 'status', 'attempts', 'durationMs'];

/** How many keys `event` has when they are exactly `keys` in that order (then `result`, when allowed); else -1. */
function keyCount(event: object, keys: readonly string[], result: boolean): number {
  let n = 0;
  // `for in` also sees inherited enumerable keys (which JSON leaves out): those fail the check too.
  for (const key in event) {
    if (n < keys.length ? key !== keys[n] : !result || n > keys.length || key !== 'result') return -1;
    n++;
  }
  return n >= keys.length ? n : -1;
}

/** The keys every task event starts with, or undefined when one is not what JSON would write as it is. */
function head(event: { type: 'task-started' | 'task-finished'; runId: unknown; seq: unknown; time: unknown; task: unknown }): string | undefined {
  const { runId, seq, time, task } = event;
  if (typeof runId !== 'string' || typeof seq !== 'number' || typeof time !== 'number' || typeof task !== 'string') return undefined;
  return prefix(event.type, runId) + num(seq) + timeAndTaskKey(time) + JSON.stringify(task);
}

/** A finite number as JSON writes it (`String` is the same conversion); JSON writes the others as null. */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/** A string, a finite number, a boolean or null as JSON; undefined for anything else (objects go the general way). */
function primitive(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return num(value);
    case 'boolean':
      return value ? 'true' : 'false';
  }
  return value === null ? 'null' : undefined;
}

/** The start of the lines of the run last seen, up to `"seq":`; every line of a run has the same. */
let lastRunId: string | undefined;
let startedPrefix = '';
let finishedPrefix = '';
function prefix(type: 'task-started' | 'task-finished', runId: string): string {
  if (runId !== lastRunId) {
    const quoted = JSON.stringify(runId);
    startedPrefix = `{"type":"task-started","runId":${quoted},"seq":`;
    finishedPrefix = `{"type":"task-finished","runId":${quoted},"seq":`;
    lastRunId = runId;
  }
  return type === 'task-started' ? startedPrefix : finishedPrefix;
}

/** `,"time":<time>,"task":` for the time last written (NaN, never equal to itself, is written anew: as null). */
let lastTime = NaN;
let lastTimeAndTaskKey = '';
function timeAndTaskKey(time: number): string {
  if (time !== lastTime) {
    lastTime = time;
    lastTimeAndTaskKey = `,"time":${num(time)},"task":`;
  }
  return lastTimeAndTaskKey;
}

/** `,"attempt":<attempt>}`, the end of a `task-started` line, for the attempt last written. */
let lastAttempt = NaN;
let lastStartedTail = '';
function startedTail(attempt: number): string {
  if (attempt !== lastAttempt) {
    lastAttempt = attempt;
    lastStartedTail = `,"attempt":${num(attempt)}}`;
  }
  return lastStartedTail;
}

/** `,"status":<status>,"attempts":<attempts>,"durationMs":` for the status and attempts last written. */
let lastStatus: string | undefined;
let lastAttempts = NaN;
let lastFinishedMiddle = '';
function finishedMiddle(status: string, attempts: number): string {
  if (status !== lastStatus || attempts !== lastAttempts) {
    lastStatus = status;
    lastAttempts = attempts;
    lastFinishedMiddle = `,"status":${JSON.stringify(status)},"attempts":${num(attempts)},"durationMs":`;
  }
  return lastFinishedMiddle;
}
