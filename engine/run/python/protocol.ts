import type { ErrorInfo, LogLevel, RunSummary } from '../events';
import type { TaskRequest } from '../executor';

/**
 * The protocol between the engine (Node) and its Python runner (`python/fastasyncio/_runner.py`),
 * declared once here and mirrored there.
 *
 * The channel is its own: file descriptor 3 of the Python process, a Unix socket pair (duplex), never
 * the task's stdout or stderr, which stay plain text (what native code writes there reaches the run's
 * log as the worker's output). Each message is one line of UTF-8 JSON. Start-up context travels in the
 * environment (`FASTASYNCIO_CHANNEL_FD`, `FASTASYNCIO_ROOT`, `FASTASYNCIO_PATH`, and `FASTASYNCIO_DEBUGPY`
 * when debugging), as Dagster Pipes does.
 * Cancelling is a message, never a signal: the runner ignores SIGINT.
 */

export type ToPython =
  /** Imports a task or handler module ahead of its first use; problems are reported when it is used. */
  | { type: 'load'; module: string; className: string }
  /** Runs one attempt of a task: instantiate `className` with no arguments, await `execute(input[, ctx])`. */
  | { type: 'execute'; id: number; task: TaskRequest }
  /**
   * Runs a Python job handler: instantiate it, await `run(ctx)`; the handler's `ctx.run_tasks()` asks the
   * engine to run the graph (`run-tasks`), which answers with `summary`.
   */
  | { type: 'handler'; id: number; module: string; className: string; job: string; runId: string; resumed: boolean }
  /** The answer to a handler's `run-tasks`: the run's summary so far, results by task id. */
  | { type: 'summary'; id: number; summary: RunSummary }
  /** Cancels the asyncio task of execution or handler `id`: its `CancelledError` handlers and `finally` blocks run. */
  | { type: 'cancel'; id: number }
  /** Answered by `pong` from the event loop: no answer means a task is blocking the loop. */
  | { type: 'ping'; id: number }
  /** Cancels whatever still runs, waits for it to end, then exits 0. */
  | { type: 'shutdown' };

export type FromPython =
  /**
   * With `FASTASYNCIO_DEBUGPY=HOST:PORT`, before `ready`: debugpy listens there (the port it got, for
   * port 0); the runner then waits for a debugger to attach before it reads any message.
   */
  | { type: 'debugging'; host: string; port: number }
  /** The first message: the runner is up. */
  | { type: 'ready'; version: string; executable: string; pid: number }
  /**
   * A line of output: `print()` (`stream`), `logging` or `ctx.log` (`level`). `id` is the execution or
   * handler whose code wrote it (found with a `contextvars.ContextVar`), null when none (a thread the task
   * started, module code at import).
   */
  | { type: 'log'; id: number | null; message: string; stream?: 'stdout' | 'stderr'; level?: LogLevel }
  | { type: 'result'; id: number; result: unknown }
  /** `message` starts with the exception's type (`ValueError: bad input`); `stack` is Python's traceback. */
  | { type: 'error'; id: number; error: ErrorInfo & { type: string } }
  /** Execution `id` ended with `CancelledError` after a `cancel`. */
  | { type: 'cancelled'; id: number }
  | { type: 'pong'; id: number }
  /** A handler's `ctx.run_tasks()`. */
  | { type: 'run-tasks'; id: number };

/** Exit status of the bootstrap when the interpreter is older than Python 3.9 (a message on stderr says so). */
export const TOO_OLD_EXIT_CODE = 3;
/** Exit status of the runner when `FASTASYNCIO_DEBUGPY` is set and the interpreter has no debugpy. */
export const NO_DEBUGPY_EXIT_CODE = 4;
/** Exit status of the runner when debugpy could not listen; its last line on stderr says why. */
export const DEBUGPY_FAILED_EXIT_CODE = 5;
/** The oldest Python the runner supports. */
export const MIN_PYTHON = '3.9';
