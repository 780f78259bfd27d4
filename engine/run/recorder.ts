import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, RunListener } from './events';
import { onProcessExit } from './exit-hooks';
import { stringifyImmune } from './json-safe';
import { DEFAULT_KEEP_RUNS, recordFile, runsDir } from './records';
import type { RunState } from './summary';

/** Results larger than this (as JSON) are replaced in records by a note with a preview. */
export const MAX_RECORDED_RESULT = 64 * 1024;
const FLUSH_AT = 64 * 1024;

/** A recorder as a run's `record` option asks: none, or one keeping `keep` runs (default 50). */
export function openRecorder(root: string, runId: string, record: boolean | { keep?: number }): RunRecorder | undefined {
  if (!record) return undefined;
  return new RunRecorder(root, runId, typeof record === 'object' ? (record.keep ?? DEFAULT_KEEP_RUNS) : DEFAULT_KEEP_RUNS);
}

/**
 * The one way a run's events are delivered: folded into its state, appended to its record, then passed to
 * the caller's listener (whose failure is not the run's).
 */
export function eventSink(state: RunState, recorder: RunRecorder | undefined, listener: RunListener | undefined): (event: RunEvent) => void {
  return (event) => {
    state.apply(event);
    recorder?.write(event);
    if (listener) {
      try {
        listener(event);
      } catch {
        // A listener's failure is not the run's.
      }
    }
  };
}

/**
 * Appends a run's events to `.fastasyncio/runs/<runId>.jsonl` as they happen. Lines are batched per turn
 * of the event loop (one write for all events of a turn, or one per 64 KB in a burst) and flushed
 * synchronously on close and on process exit. The child-process runner records in the parent, so a
 * worker that crashes loses nothing it reported.
 */
export class RunRecorder {
  private readonly fd: number;
  /** Lines not yet written, as one string (V8 joins appended strings lazily, without copying). */
  private pending = '';
  private scheduled = false;
  private closed = false;
  private readonly removeExitHook: () => void;
  private readonly dir: string;
  private readonly keep: number;
  readonly file: string;

  constructor(root: string, runId: string, keep = DEFAULT_KEEP_RUNS) {
    const dir = runsDir(root);
    fs.mkdirSync(dir, { recursive: true });
    this.dir = dir;
    this.keep = keep;
    this.file = recordFile(root, runId);
    this.fd = fs.openSync(this.file, 'a');
    this.removeExitHook = onProcessExit(this.flush);
  }

  write(event: RunEvent): void {
    if (this.closed) return;
    this.pending += serialise(event);
    // A burst of quick tasks all within one turn: write every 64 KB rather than hold megabytes.
    if (this.pending.length >= FLUSH_AT) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending === '' || this.closed) return;
    const chunk = this.pending;
    this.pending = '';
    fs.writeSync(this.fd, chunk);
  };

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.removeExitHook();
    fs.closeSync(this.fd);
    // Pruned when a run ends, not when it starts, so a run in progress never loses its record to another.
    pruneRuns(this.dir, this.keep);
  }
}

/** One JSON line; a large result is replaced by `{ "$truncated": true, "bytes", "preview" }`. */
export function serialise(event: RunEvent): string {
  const line = taskLine(event) ?? stringifyImmune(event);
  if (event.type !== 'task-finished' || line.length <= MAX_RECORDED_RESULT || event.result === undefined) return line + '\n';
  const full = stringifyImmune(event.result);
  const note = { $truncated: true, bytes: Buffer.byteLength(full), preview: full.slice(0, 1000) };
  return stringifyImmune({ ...event, result: note }) + '\n';
}

/** The keys of the scheduler's task events, in the order it makes them (a `task-finished` may add `result`). */
const STARTED_KEYS = ['type', 'runId', 'seq', 'time', 'task', 'attempt'];
const FINISHED_KEYS = ['type', 'runId', 'seq', 'time', 'task', 'status', 'attempts', 'durationMs'];

/**
 * Two lines of a record in three are a task's `task-started` and `task-finished`, and `JSON.stringify`
 * was the largest single cost of recording them. The scheduler's own ones (its keys in its order, nothing
 * inherited, primitive values) are written here by hand, with exactly the characters `JSON.stringify`
 * writes; any other shape (an `error`, an object result, a re-run's `reused`, keys in another order) is
 * undefined here and goes the general way.
 */
function taskLine(event: RunEvent): string | undefined {
  if (event.type === 'task-started') {
    const start = keyCount(event, STARTED_KEYS, false) > 0 ? head(event) : undefined;
    return start === undefined || typeof event.attempt !== 'number' ? undefined : `${start},"attempt":${num(event.attempt)}}`;
  }
  if (event.type !== 'task-finished') return undefined;
  const keys = keyCount(event, FINISHED_KEYS, true);
  const start = keys > 0 ? head(event) : undefined;
  if (start === undefined || typeof event.status !== 'string' || typeof event.attempts !== 'number' || typeof event.durationMs !== 'number') return undefined;
  const line = `${start},"status":${JSON.stringify(event.status)},"attempts":${num(event.attempts)},"durationMs":${num(event.durationMs)}`;
  if (keys === FINISHED_KEYS.length) return line + '}';
  const result = primitive(event.result);
  return result === undefined ? undefined : `${line},"result":${result}}`;
}

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
function head(event: { type: string; runId: unknown; seq: unknown; time: unknown; task: unknown }): string | undefined {
  const { runId, seq, time, task } = event;
  if (typeof runId !== 'string' || typeof seq !== 'number' || typeof time !== 'number' || typeof task !== 'string') return undefined;
  return `{"type":"${event.type}","runId":${quote(runId)},"seq":${num(seq)},"time":${num(time)},"task":${JSON.stringify(task)}`;
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

/** The run id is the same on every line: quoted once. */
let lastId = '';
let lastQuoted = '""';
function quote(id: string): string {
  if (id !== lastId) {
    lastId = id;
    lastQuoted = JSON.stringify(id);
  }
  return lastQuoted;
}

/** A record without its `run-finished` that was written to lately belongs to a run still going. */
const IN_PROGRESS_MS = 10 * 60_000;

function inProgress(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (Date.now() - stat.mtimeMs > IN_PROGRESS_MS) return false;
    const fd = fs.openSync(file, 'r');
    try {
      const length = Math.min(stat.size, 64 * 1024);
      const tail = Buffer.alloc(length);
      fs.readSync(fd, tail, 0, length, stat.size - length);
      return !tail.toString('utf8').includes('"type":"run-finished"');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Deletes the oldest records beyond `keep`, sparing those of runs still in progress. */
function pruneRuns(dir: string, keep: number): void {
  const runs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - keep))) {
    const file = path.join(dir, old);
    if (!inProgress(file)) fs.rmSync(file, { force: true });
  }
}
