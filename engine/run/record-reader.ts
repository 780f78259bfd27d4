import * as fs from 'node:fs';
import type { RunEvent, RunFinishedEvent, RunStartedEvent } from './events';
import { RunState } from './summary';

/**
 * Reading run records of any size without holding them: lines are scanned in chunks (forwards, or
 * backwards from the end for the last event), never read whole. A record is JSON lines, one event each;
 * a line that is not one (cut short by a crash, edited, garbage) is skipped, never an error.
 */

const CHUNK = 1024 * 1024;
const HEAD_CHUNK = 64 * 1024;
const TAIL_CHUNK = 64 * 1024;
/** Lines longer than this are skipped unread (the recorder writes none: results over 64 KB are cut). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** How many lines from the end `readTail` looks through for the run's `run-finished`. */
const TAIL_LINES = 256;

/** Called with each complete line (its bytes are valid until the call, or its promise, returns); `false` stops. */
export type LineHandler = (line: Buffer, start: number) => void | boolean | Promise<void | boolean>;

export interface ScanResult {
  /** The offset just after the last complete line (where a later scan goes on). */
  end: number;
  /** Bytes after `end` that do not end with a newline yet: a line being written, or cut short. */
  partial: boolean;
  /** Lines skipped for being longer than `MAX_LINE_BYTES`. */
  overlong: number;
}

/** Scans `file` line by line from `from` (the start of a line), awaiting `onLine` when it returns a promise. */
export async function scanLines(file: string, onLine: LineHandler, options: { from?: number; chunk?: number } = {}): Promise<ScanResult> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const size = options.chunk ?? CHUNK;
    const chunk = Buffer.allocUnsafe(size);
    let position = options.from ?? 0;
    /** Bytes of the line under way (copied out of `chunk`), starting at `lineStart`. */
    let carry: Buffer[] = [];
    let carried = 0;
    let lineStart = position;
    let overlong = 0;
    let skipping = false;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, size, position);
      if (bytesRead === 0) break;
      const data = chunk.subarray(0, bytesRead);
      let from = 0;
      for (let nl = data.indexOf(10, from); nl !== -1; nl = data.indexOf(10, from)) {
        const start = lineStart;
        let line = data.subarray(from, nl);
        if (carried > 0) line = Buffer.concat([...carry, line]);
        carry = [];
        carried = 0;
        lineStart = position + nl + 1;
        from = nl + 1;
        if (skipping) {
          skipping = false;
          continue;
        }
        if (line.length === 0) continue;
        const go = onLine(line, start);
        if ((go instanceof Promise ? await go : go) === false) return { end: lineStart, partial: false, overlong };
      }
      if (from < bytesRead && !skipping) {
        carried += bytesRead - from;
        if (carried > MAX_LINE_BYTES) {
          skipping = true;
          overlong++;
          carry = [];
          carried = 0;
        } else {
          carry.push(Buffer.from(data.subarray(from)));
        }
      }
      position += bytesRead;
    }
    return { end: lineStart, partial: position > lineStart, overlong };
  } finally {
    await handle.close();
  }
}

/** A line as an event, or undefined when it is not one (not JSON, or not shaped like an event). */
export function parseEvent(text: string): RunEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isEvent(value) ? value : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Enough of an event's shape that folding it or describing it cannot throw. */
function isEvent(v: unknown): v is RunEvent {
  if (!isObject(v) || typeof v.type !== 'string' || typeof v.seq !== 'number' || typeof v.time !== 'number' || typeof v.runId !== 'string') return false;
  switch (v.type) {
    case 'run-started':
      return (
        typeof v.job === 'string' &&
        Array.isArray(v.tasks) &&
        v.tasks.every((t) => isObject(t) && typeof t.id === 'string') &&
        Array.isArray(v.stages) &&
        v.stages.every((s) => isObject(s) && Array.isArray(s.tasks) && Array.isArray(s.after))
      );
    case 'task-started':
    case 'task-log':
      return typeof v.task === 'string';
    case 'task-retrying':
      return typeof v.task === 'string' && isObject(v.error);
    case 'task-finished':
      return typeof v.task === 'string' && typeof v.status === 'string' && (v.error === undefined || isObject(v.error));
    case 'run-log':
      return true;
    case 'run-finished':
      return typeof v.status === 'string' && typeof v.durationMs === 'number' && isObject(v.summary);
    default:
      return false;
  }
}

function lineText(line: Buffer): string {
  const text = line.toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/** The record's first line, when it is the run's `run-started`. */
export async function readHead(file: string): Promise<RunStartedEvent | undefined> {
  let head: RunEvent | undefined;
  await scanLines(
    file,
    (line) => {
      head = parseEvent(lineText(line));
      return false;
    },
    { chunk: HEAD_CHUNK },
  );
  return head?.type === 'run-started' ? head : undefined;
}

export interface Tail {
  /** The last line that is an event. */
  last?: RunEvent;
  /** The run's `run-finished`, found among the last lines (a worker's last output may follow it). */
  finished?: RunFinishedEvent;
  /** Whether the file ends with a newline (else its last line is cut short, or still being written). */
  complete: boolean;
}

/**
 * The record's last event and its `run-finished`, read backwards from the end: as much as its last lines
 * take, whatever the record's size.
 */
export async function readTail(file: string): Promise<Tail> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return { complete: true };
    /** `buffer` holds the file's bytes from `bufferStart` to `size`. */
    let buffer = Buffer.alloc(0);
    let bufferStart = size;
    const read = async (length: number) => {
      const bytes = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(bytes, 0, length, bufferStart - length);
      buffer = Buffer.concat([bytes.subarray(0, bytesRead), buffer]);
      bufferStart -= length;
    };
    await read(Math.min(TAIL_CHUNK, size));
    const tail: Tail = { complete: buffer[buffer.length - 1] === 10 };
    /** The end (exclusive, relative to `buffer`) of the next line to look at. */
    let lineEnd = tail.complete ? buffer.length - 1 : buffer.length;
    for (let lines = 0; lines < TAIL_LINES;) {
      const newline = lineEnd > 0 ? buffer.lastIndexOf(10, lineEnd - 1) : -1;
      if (newline === -1 && bufferStart > 0) {
        if (size - bufferStart >= MAX_LINE_BYTES) break;
        // Read as much again as there is: a long last line costs a few reads, not one per chunk.
        const before = buffer.length;
        await read(Math.min(Math.max(TAIL_CHUNK, before), bufferStart));
        lineEnd += buffer.length - before;
        continue;
      }
      const line = buffer.subarray(newline + 1, lineEnd);
      if (line.length > 0) {
        lines++;
        const event = tail.last && isLogLine(line) ? undefined : parseEvent(lineText(line));
        tail.last ??= event;
        if (event?.type === 'run-finished') {
          tail.finished = event;
          break;
        }
      }
      if (newline === -1) break;
      lineEnd = newline;
    }
    return tail;
  } finally {
    await handle.close();
  }
}

const LOG_PREFIXES = ['{"type":"task-log",', '{"type":"run-log",'].map((p) => Buffer.from(p));

/** A log line as the recorder writes them: it changes nothing in a run's summary but its last `seq` and time. */
function isLogLine(line: Buffer): boolean {
  return LOG_PREFIXES.some((prefix) => line.length > prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0);
}

export interface Fold {
  state: RunState;
  /** Where the record's complete lines end. */
  end: number;
  partial: boolean;
}

/**
 * A record folded into its run's state, streamed. Log lines (most of a chatty run's record) are not
 * parsed: only the last one, when nothing comes after it, says anything the summary shows.
 */
export async function foldRecord(file: string): Promise<Fold> {
  const state = new RunState();
  let trailingLog: { start: number; length: number } | undefined;
  const { end, partial } = await scanLines(file, (line, start) => {
    if (isLogLine(line)) {
      trailingLog = { start, length: line.length };
      return;
    }
    const event = parseEvent(lineText(line));
    if (!event) return;
    state.apply(event);
    trailingLog = undefined;
  });
  if (trailingLog) {
    const last = await readRange(file, trailingLog.start, trailingLog.length);
    const event = last && parseEvent(lineText(last));
    if (event) state.apply(event);
  }
  return { state, end, partial };
}

async function readRange(file: string, start: number, length: number): Promise<Buffer | undefined> {
  try {
    const handle = await fs.promises.open(file, 'r');
    try {
      const bytes = Buffer.alloc(length);
      const { bytesRead } = await handle.read(bytes, 0, length, start);
      return bytes.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

export interface Replay {
  /** Where the next replay of the same record goes on from. */
  end: number;
  /** The seq of the last event read (0 if none). */
  lastSeq: number;
  /** Whether it reached the run's `run-finished`. */
  finished: boolean;
}

/**
 * Replays the events of a record after `after` (their seq), from byte `from`, up to its `run-finished`:
 * `send` gets each event's seq and its line as it is in the record (the event's JSON), and is awaited
 * when it returns a promise, so a slow reader slows the reading instead of filling memory. `stopped`
 * ends the replay early (the reader has gone).
 */
export async function replayRecord(
  file: string,
  after: number,
  send: (seq: number, json: string, event: RunEvent) => void | Promise<void>,
  options: { from?: number; stopped?: () => boolean } = {},
): Promise<Replay> {
  let lastSeq = 0;
  let finished = false;
  const { end } = await scanLines(
    file,
    (line) => {
      if (options.stopped?.()) return false;
      const json = lineText(line);
      const event = parseEvent(json);
      if (!event) return;
      lastSeq = event.seq;
      const sent = event.seq > after ? send(event.seq, json, event) : undefined;
      // The stream ends with `run-finished` (a worker's last lines may follow it in the record).
      if (event.type !== 'run-finished') return sent;
      finished = true;
      return sent instanceof Promise ? sent.then(() => false) : false;
    },
    { from: options.from },
  );
  return { end, lastSeq, finished };
}
