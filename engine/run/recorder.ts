import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, RunListener } from './events';
import { onProcessExit } from './exit-hooks';
import { stringifyImmune } from './json-safe';
import { taskLine } from './record-lines';
import { DEFAULT_KEEP_RUNS, recordFile, runsDir } from './records';
import type { RunState } from './summary';

/** Results larger than this (as JSON) are replaced in records by a note with a preview. */
export const MAX_RECORDED_RESULT = 64 * 1024;
const FLUSH_AT = 64 * 1024;
const NEWLINE = Buffer.from('\n');

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
 * of the event loop (one write for all events of a turn, or one per 64 KB in a burst; a longer line is
 * one write of its own) and flushed
 * synchronously on close and on process exit. The child-process runner records in the parent, so a
 * worker that crashes loses nothing it reported.
 */
export class RunRecorder {
  private readonly fd: number;
  /**
   * Lines not yet written (without their newlines) and their length with them: joined once when written.
   * Appended to one string, they made a rope of two pieces per line for the write to flatten (4% of the
   * engine's time per task on 10,000 no-op tasks).
   */
  private pending: string[] = [];
  private pendingLength = 0;
  private scheduled = false;
  private closed = false;
  private readonly removeExitHook: () => void;
  private readonly dir: string;
  private readonly keep: number;
  readonly file: string;

  constructor(root: string, runId: string, keep = DEFAULT_KEEP_RUNS) {
    this.dir = runsDir(root);
    this.keep = keep;
    this.file = recordFile(root, runId);
    this.fd = openRecord(this.dir, this.file);
    this.removeExitHook = onProcessExit(this.flush);
  }

  write(event: RunEvent): void {
    if (this.closed) return;
    const line = recordLine(event);
    if (line.length >= FLUSH_AT) {
      // A plan or a summary of thousands of tasks (megabytes): written as it is, rather than copied
      // once more to join it to the lines before it and its newline.
      this.flush();
      fs.writevSync(this.fd, [Buffer.from(line), NEWLINE]);
      return;
    }
    this.pending.push(line);
    this.pendingLength += line.length + 1;
    // A burst of quick tasks all within one turn: write every 64 KB rather than hold megabytes.
    if (this.pendingLength >= FLUSH_AT) {
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
    if (this.pending.length === 0 || this.closed) return;
    // An empty last line: the join ends with a newline, one flat string.
    this.pending.push('');
    const chunk = this.pending.join('\n');
    this.pending = [];
    this.pendingLength = 0;
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

/** The runs folders this process has made: a server starting hundreds of runs a second makes each once. */
const madeDirs = new Set<string>();

/** Opens a new record for appending, making its folder first when this process has not (or it was removed since). */
function openRecord(dir: string, file: string): number {
  if (madeDirs.has(dir)) {
    try {
      return fs.openSync(file, 'a');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  madeDirs.add(dir);
  return fs.openSync(file, 'a');
}

/** One JSON line; a large result is replaced by `{ "$truncated": true, "bytes", "preview" }`. */
export function serialise(event: RunEvent): string {
  return recordLine(event) + '\n';
}

/** The line of an event in its record, without its newline. */
function recordLine(event: RunEvent): string {
  const line = taskLine(event) ?? stringifyImmune(event);
  if (event.type !== 'task-finished' || line.length <= MAX_RECORDED_RESULT || event.result === undefined) return line;
  const full = stringifyImmune(event.result);
  const note = { $truncated: true, bytes: Buffer.byteLength(full), preview: full.slice(0, 1000) };
  return stringifyImmune({ ...event, result: note });
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
