import type { JobContext } from '../../runtime/handler';
import { type DebugOptions, type DebugTarget, whereToAttach } from '../debug';
import type { ErrorInfo, LineOrigin } from '../events';
import type { TaskExecution, TaskExecutor } from '../executor';
import { findInterpreter, type Interpreter, PythonUnavailableError } from './interpreter';
import { type PythonExit, PythonProcess } from './process';
import type { FromPython } from './protocol';

export interface PythonRuntimeOptions {
  /** The project root: the runner's working directory, importable with `src/`. */
  root: string;
  /** The user's choice of interpreter (`RunOptions.python`). */
  python?: string;
  /** Where `python` came from, for messages. */
  pythonFrom?: string;
  /** A line for the run's log (not a task's): the interpreter, restarts, what the process printed itself. */
  log(message: string, origin?: LineOrigin): void;
  /** Run the runner under debugpy there: it waits for a debugger before it runs anything. */
  debug?: DebugOptions['python'];
  /** Where debugpy listens, once it does. */
  onDebugTarget?: (target: DebugTarget) => void;
}

/** A task's error as Python reported it: the exception's type and message, Python's traceback as the stack. */
export class PythonTaskError extends Error {
  constructor(error: ErrorInfo & { type: string }) {
    super(error.message);
    this.name = error.type;
    this.stack = error.stack ?? error.message;
  }
}

/** How long the event loop may take to answer a ping after a cancel before the process is taken as blocked. */
const RESPONSIVE_MS = 1000;
/** How long `close()` waits for cancelled tasks' `finally` blocks before it kills the process. */
const CLOSE_MS = 700;

/** An execution or a handler run that a Python process holds. */
interface Running {
  id: number;
  /** The process it was sent to; unset until the process is ready. */
  process?: PythonProcess;
  /** The task's execution; absent for a handler. */
  execution?: TaskExecution;
  handler?: { module: string; className: string; ctx: JobContext };
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** Set once the engine gave up on it (timeout, cancel): its outcome no longer matters, its output still does. */
  abandoned: boolean;
}

/**
 * Runs Python tasks and handlers in a Python runner process, one per run, started when the first is
 * needed. Cancelling is a message: the task's asyncio task is cancelled and its `finally` blocks run. A
 * task that blocks the event loop past its timeout cannot hear it: when the loop does not answer a ping,
 * the process is killed and the other tasks it was running start again in a new one (a handler goes on
 * as resumed). A process that dies on its own fails what it was running.
 */
export class PythonRuntime implements TaskExecutor {
  private process?: PythonProcess;
  private starting?: Promise<PythonProcess>;
  private interpreter?: Interpreter;
  private nextId = 1;
  private readonly running = new Map<number, Running>();
  private readonly pongs = new Map<number, () => void>();
  /** Why no runner can be started (no interpreter, too old): every later start fails the same way at once. */
  private failure?: PythonUnavailableError;
  private closed = false;

  constructor(private readonly options: PythonRuntimeOptions) {}

  /**
   * A ready runner process, started if there is none. Rejects with a `PythonUnavailableError` that says
   * what was tried when no usable interpreter is found.
   */
  start(): Promise<PythonProcess> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.process?.alive && this.starting) return this.starting;
    const first = this.interpreter === undefined;
    try {
      this.interpreter ??= findInterpreter({ chosen: this.options.python, chosenFrom: this.options.pythonFrom, root: this.options.root });
    } catch (error) {
      this.failure = error as PythonUnavailableError;
      return Promise.reject(this.failure);
    }
    const process = new PythonProcess(
      this.interpreter,
      this.options.root,
      {
        message: (message) => this.receive(process, message),
        output: (stream, line) => this.options.log(line, { stream }),
        exit: (end) => this.exited(process, end),
      },
      this.options.debug,
    );
    this.process = process;
    this.starting = process.ready.then(
      (ready) => {
        if (first) this.options.log(`Python ${ready.version} (${ready.executable}, from ${this.interpreter!.source})`);
        return process;
      },
      (error: Error) => {
        this.failure = new PythonUnavailableError(error.message);
        throw this.failure;
      },
    );
    return this.starting;
  }

  /** Imports the modules ahead of their tasks' turn; a module that fails is reported when its task runs. */
  async prepare(tasks: readonly { module: string; className: string }[]): Promise<void> {
    if (tasks.length === 0) return;
    const process = await this.start();
    // Once per module: a job of 2,000 tasks may have a single class.
    const modules = new Map(tasks.map((t) => [`${t.module}\0${t.className}`, t]));
    for (const { module, className } of modules.values()) process.send({ type: 'load', module, className });
  }

  execute(execution: TaskExecution): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const running: Running = { id: this.nextId++, execution, resolve, reject, abandoned: false };
      this.dispatch(running);
      execution.onAbort((reason) => this.abandon(running, reason));
    });
  }

  /** Runs a Python job handler's `run()`; its `ctx.run_tasks()` runs the graph here. */
  runHandler(module: string, className: string, ctx: JobContext): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.dispatch({ id: this.nextId++, handler: { module, className, ctx }, resolve, reject, abandoned: false });
    });
  }

  /** Sends an execution or a handler run to the current process (started if need be). */
  private dispatch(running: Running, resumed = false): void {
    running.process = undefined;
    this.running.set(running.id, running);
    this.start().then(
      (process) => {
        if (running.abandoned) {
          this.running.delete(running.id);
          return;
        }
        running.process = process;
        if (running.execution) {
          process.send({ type: 'execute', id: running.id, task: running.execution.request });
        } else {
          const { module, className, ctx } = running.handler!;
          process.send({ type: 'handler', id: running.id, module, className, job: ctx.job, runId: ctx.runId, resumed: resumed || ctx.resumed });
        }
      },
      (error) => {
        this.running.delete(running.id);
        running.reject(error);
      },
    );
  }

  private receive(process: PythonProcess, message: FromPython): void {
    switch (message.type) {
      case 'log': {
        const origin: LineOrigin = {};
        if (message.stream) origin.stream = message.stream;
        if (message.level) origin.level = message.level;
        const owner = message.id === null ? undefined : this.running.get(message.id);
        if (owner?.execution) owner.execution.logLine(message.message, origin);
        else this.options.log(message.message, origin);
        return;
      }
      case 'result':
        return this.settle(message.id, (r) => r.resolve(message.result));
      case 'error':
        return this.settle(message.id, (r) => r.reject(new PythonTaskError(message.error)));
      case 'cancelled':
        return this.settle(message.id, (r) => r.reject(new Error('cancelled')));
      case 'run-tasks': {
        const handler = this.running.get(message.id)?.handler;
        if (!handler) return;
        handler.ctx.runTasks().then(
          (summary) => process.send({ type: 'summary', id: message.id, summary }),
          (error: unknown) => this.settle(message.id, (r) => r.reject(error)),
        );
        return;
      }
      case 'pong':
        this.pongs.get(message.id)?.();
        return;
      case 'debugging': {
        const target: DebugTarget = { kind: 'python', host: message.host, port: message.port };
        if (process.pid !== undefined) target.pid = process.pid;
        this.options.log(whereToAttach(target, true));
        this.options.onDebugTarget?.(target);
        return;
      }
      case 'ready':
        return;
    }
  }

  private settle(id: number, how: (running: Running) => void): void {
    const running = this.running.get(id);
    if (!running) return;
    this.running.delete(id);
    if (!running.abandoned) how(running);
  }

  /**
   * The engine gave up on an execution (its timeout, a cancel): the task's asyncio task is cancelled, and
   * the process is asked whether its event loop still answers. It does not when the task blocks it; then
   * the process is killed and what else it was running starts again in a new one.
   */
  private abandon(running: Running, reason: unknown): void {
    if (running.abandoned || this.running.get(running.id) !== running) return;
    running.abandoned = true;
    running.reject(reason);
    const { process, id } = running;
    // Not sent yet (the process is starting): `dispatch` drops it.
    if (!process) return;
    process.send({ type: 'cancel', id });
    // A loop paused at a breakpoint does not answer either: while debugging, nothing is replaced.
    if (this.closed || this.options.debug) return;
    const ping = this.nextId++;
    const timer = setTimeout(() => {
      this.pongs.delete(ping);
      if (process.alive && this.running.get(id) === running) this.replace(process, running.execution!.task);
    }, RESPONSIVE_MS);
    this.pongs.set(ping, () => {
      clearTimeout(timer);
      this.pongs.delete(ping);
    });
    process.send({ type: 'ping', id: ping });
  }

  /** Kills a process whose event loop `blocker` blocks, and starts what else it ran again in a new one. */
  private replace(process: PythonProcess, blocker: string): void {
    const others = [...this.running.values()].filter((r) => r.process === process && !r.abandoned);
    const names = others.map((r) => r.execution?.task ?? 'the job handler');
    this.options.log(
      `${blocker} blocked the Python event loop past its timeout: the Python process (pid ${process.pid}) was stopped` +
        (names.length ? `; ${names.join(', ')} start${names.length === 1 ? 's' : ''} again in a new one` : ''),
      { level: 'warning' },
    );
    for (const r of this.running.values()) if (r.process === process) this.running.delete(r.id);
    process.kill();
    if (this.process === process) this.process = undefined;
    for (const r of others) {
      r.execution?.logLine(`${blocker} blocked the Python process this task ran in; it starts again in a new one`, { level: 'warning' });
      this.dispatch(r, true);
    }
  }

  private exited(process: PythonProcess, end: PythonExit): void {
    if (this.process === process) this.process = undefined;
    for (const r of [...this.running.values()]) {
      if (r.process !== process) continue;
      this.running.delete(r.id);
      if (r.abandoned) continue;
      const what = r.execution ? r.execution.task : 'the job handler';
      r.reject(new Error(`${end.description} while ${what} was running`));
    }
    for (const resolve of this.pongs.values()) resolve();
  }

  /**
   * At the end of the run: whatever still runs (abandoned tasks) is cancelled, its `finally` blocks get
   * `CLOSE_MS` to run (their output is the run's), then the process exits or is killed.
   */
  async close(): Promise<void> {
    this.closed = true;
    const process = this.process;
    if (!process?.alive) return;
    process.send({ type: 'shutdown' });
    await process.exitWithin(CLOSE_MS);
  }
}
