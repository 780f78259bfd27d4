import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import type { TaskExecution } from './executor';
import { LineSplitter } from './output';

type Stream = 'stdout' | 'stderr';

/** The task attempt whose code runs now, while output is captured (in a worker). */
const scope = new AsyncLocalStorage<TaskExecution>();
let capturing = false;
/** Each attempt's unfinished lines, per stream. */
const splitters = new Map<TaskExecution, Record<Stream, LineSplitter>>();
/** Attempts whose scope has ended: what an abandoned one still prints goes out line by line, unbuffered. */
const ended = new WeakSet<TaskExecution>();
/** Attempts of tasks whose code runs in this process and has not settled (abandoned ones never do). */
let unsettled = 0;
let beforeTaskCode: () => void = () => undefined;

/**
 * Whether task code of this process may be running: it could block the event loop at any moment, so
 * what the worker has to say must not wait for a later turn. (Python tasks run in another process.)
 */
export function taskCodeMayBlock(): boolean {
  return unsettled > 0;
}

/**
 * Runs one attempt of a task so that what it prints is its own: with capture on, its writes to stdout
 * and stderr (console.log, process.stdout.write, in any callback it starts) become its log lines, and a
 * line left unfinished is flushed when the attempt ends. Without capture, just calls `run`.
 */
export function inTaskScope(execution: TaskExecution, run: () => Promise<unknown>): Promise<unknown> {
  if (!capturing) return run();
  // What waits to be sent goes now: this task's `task-started` must reach the parent even if its code blocks.
  beforeTaskCode();
  unsettled++;
  return scope.run(execution, run).finally(() => {
    unsettled--;
    ended.add(execution);
    const pending = splitters.get(execution);
    if (!pending) return;
    splitters.delete(execution);
    pending.stdout.end();
    pending.stderr.end();
  });
}

function splittersOf(execution: TaskExecution): Record<Stream, LineSplitter> {
  let pending = splitters.get(execution);
  if (!pending) {
    pending = { stdout: new LineSplitter((line) => execution.print('stdout', line)), stderr: new LineSplitter((line) => execution.print('stderr', line)) };
    splitters.set(execution, pending);
  }
  return pending;
}

function text(chunk: unknown, encoding: unknown): string {
  const charset = typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8';
  if (typeof chunk === 'string') return charset === 'utf8' || charset === ('utf-8' as BufferEncoding) ? chunk : Buffer.from(chunk, charset).toString('utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  return String(chunk);
}

/**
 * Takes over this process' stdout and stderr (the worker's): what a task writes becomes that task's log
 * lines, anything else (module code, the handler) goes to `onRunLine`. `process.stdout`, `process.stderr`
 * and `console` are replaced by capturing streams before any task code runs, so the real file
 * descriptors are never opened by Node and stay blocking: native code and processes the tasks start
 * write to them as usual, and the parent reads those through the pipes. Captured output travels with
 * the events, in order, within the run's output budget; lines are split at `MAX_LINE`, so one long line
 * never grows a buffer past it. `flush` sends what the worker holds back; it is called before task code
 * of this process runs.
 */
export function captureOutput(onRunLine: (stream: Stream, line: string) => void, flush: () => void): void {
  capturing = true;
  beforeTaskCode = flush;
  const streams = {} as Record<Stream, Writable>;
  for (const name of ['stdout', 'stderr'] as const) {
    const run = new LineSplitter((line) => onRunLine(name, line));
    const stream = new Writable({ decodeStrings: false, write: (_chunk, _encoding, callback) => callback() });
    // Writes bypass the Writable machinery: synchronous, so the task they come from is still known.
    stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const execution = scope.getStore();
      if (!execution) {
        run.push(text(chunk, encoding));
      } else if (ended.has(execution)) {
        // Nothing is kept for an attempt that has ended (abandoned, still printing): each write is its own line(s).
        const lines = new LineSplitter((line) => execution.print(name, line));
        lines.push(text(chunk, encoding));
        lines.end();
      } else {
        splittersOf(execution)[name].push(text(chunk, encoding));
      }
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') process.nextTick(done);
      return true;
    }) as typeof stream.write;
    Object.assign(stream, { isTTY: false, fd: name === 'stdout' ? 1 : 2 });
    Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
    streams[name] = stream;
  }
  globalThis.console = new Console({ stdout: streams.stdout, stderr: streams.stderr });
}
