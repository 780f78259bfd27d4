import { type ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigModel, JobModel } from '../config/types';
import { type DebugOptions, type DebugTarget, isDebugging, whereToAttach } from './debug';
import type { ResolvedRerun } from './rerun';
import { type FinalTaskStatus, type LineOrigin, type RunEvent, type RunEventInit, type RunSummary, withOrigin } from './events';
import { onProcessExit } from './exit-hooks';
import { inspectorArgs, inspectorLine } from './inspector';
import { LineSplitter, OutputBudget, splitLong } from './output';
import { currentOwner } from './owner';
import { eventSink } from './recorder';
import { planEvent, reusedEvents, type RunOptions, type RunResume, setUpRun } from './setup';
import { MAX_TIMER_MS } from './scheduler';
import { RunState } from './summary';
import type { WorkerLease, WorkerPool } from './worker-pool';
import { type FromWorker, parseMessages, type ToWorker, WORKER_COMMAND } from './worker-protocol';

export interface ChildRunOptions extends Omit<RunOptions, 'executor' | 'output' | 'resume'> {
  /** The bundled CLI that serves as the worker; found next to this bundle by default. */
  workerScript?: string;
  /** How long a worker may take to stop after a cancel, or a task after its timeout, before it is killed. */
  graceMs?: number;
  /** A worker from `startWorker`, started while the caller read the config (with the run's `debug`): the run's first worker. */
  worker?: ChildProcess;
  /**
   * Run in a worker of this pool, shared with other runs (`serve --reuse-workers`, worker-pool.ts),
   * instead of a worker of the run's own. Not with `debug`.
   */
  pool?: WorkerPool;
}

const DEFAULT_GRACE_MS = 1000;
/** After a worker exits, how long its pipes may stay open (held by a process it started) before we stop reading. */
const PIPE_CLOSE_MS = 500;

/** `dist/cli.js`: next to this code when bundled, else in the repository's `dist/`. */
export function defaultWorkerScript(): string {
  const beside = path.join(__dirname, 'cli.js');
  return fs.existsSync(beside) ? beside : path.resolve(__dirname, '../../dist/cli.js');
}

/**
 * Starts a worker process ahead of its run: it boots (Node and the bundle, about 100 ms) while the caller
 * still reads and checks the config, then waits for its `start`. A worker that is not given to a run
 * should be killed; one whose parent goes away exits. With `debug.inspect`, it runs under the Node
 * inspector (and with `brk`, waits for a debugger before its first line).
 */
export function startWorker(workerScript = defaultWorkerScript(), cwd = process.cwd(), debug?: DebugOptions): ChildProcess {
  return fork(workerScript, [WORKER_COMMAND], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
    // The worker moves to the project root when its run starts.
    cwd,
    // The worker is plain bundled JavaScript: none of the caller's loader flags (tsx in tests).
    execArgv: inspectorArgs(debug?.inspect),
    // Its own process group: a kill reaches whatever its tasks started, and a terminal's Ctrl-C is ours to handle.
    detached: true,
  });
}

/**
 * Whether a worker keeps this process alive: an idle one (booted ahead, or between runs) must not, one
 * running a run must. The process, its IPC channel and its pipes each hold the event loop.
 */
export function holdProcess(child: ChildProcess, hold: boolean): void {
  const handles = [child, child.channel, child.stdout, child.stderr] as ({ ref?: () => void; unref?: () => void } | null | undefined)[];
  for (const handle of handles) (hold ? handle?.ref : handle?.unref)?.call(handle);
}

/**
 * Runs a job in a child process (the bundled engine), so user code never runs in the caller's process,
 * and streams the same events. The worker runs the config's model as this process analysed it (given
 * as `analysis`, or read now): not the file's later versions (the HTTP API keeps the last valid one in
 * effect), and without analysing it again. The parent records them, so a crash of the child loses nothing it
 * reported, and keeps the run's output within its budget whatever the worker sends.
 * A task stuck past its timeout is stopped by killing the worker; the tasks that were running beside it
 * start again in a new worker and the rest of the graph goes on. A worker that ignores a cancel is
 * killed after `graceMs`.
 */
export async function runJobInChild(options: ChildRunOptions): Promise<RunSummary> {
  let setup: Awaited<ReturnType<typeof setUpRun>>;
  try {
    setup = await setUpRun(options);
  } catch (error) {
    // A refused run has no use for the worker booted for it.
    options.worker?.kill('SIGKILL');
    throw error;
  }
  const { model, job, runId, recorder, reuse } = setup;
  const state = new RunState();
  const run = new ChildRun(options, model, job, runId, state, eventSink(state, recorder, options.onEvent));
  run.reuse = reuse;
  try {
    return await run.run();
  } finally {
    recorder?.close();
  }
}

type KilledFor = { reason: 'timeout'; task: string } | { reason: 'cancel' };

/** How one worker ended (or, pooled, was done with the run). */
interface WorkerEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  killedFor?: KilledFor;
  fatal?: string;
  /** Why the pool stopped the worker (another run's task blocked it, it stopped answering). */
  reason?: string;
}

/**
 * The worker a run is in, as the run uses it: a process of its own (which ends with the run) or a lease
 * on a pooled one (which goes on with other runs).
 */
interface RunWorker {
  send(message: ToWorker): void;
  /** The worker sent the run's `run-finished` (or `fatal`, with code 1): it is done with the run. */
  done(code: number): void;
  /** Stops the run by force: a task is stuck (`timeout`), a cancel was not honoured (`cancel`), or this process exits. */
  kill(why: 'timeout' | 'cancel' | 'exit'): void;
}

class ChildRun {
  private seq = 0;
  private readonly budget: OutputBudget;
  private readonly graceMs: number;
  private readonly timeouts: Map<string, number | undefined>;
  private readonly watchdogs = new Map<string, NodeJS.Timeout>();
  /** Tasks waiting for their next attempt (`task-retrying` seen, no `task-started` yet). */
  private readonly retrying = new Set<string>();
  /** Attempts each task lost with a killed worker. */
  private readonly lost = new Map<string, number>();
  private worker?: RunWorker;
  private killedFor?: KilledFor;
  /** Run-log lines from before the worker's `run-started` (the inspector's): a record begins with its plan. */
  private readonly early: RunEventInit[] = [];
  /** The re-run as `setUpRun` resolved it: the worker runs it as it is. */
  reuse?: ResolvedRerun;

  constructor(
    private readonly options: ChildRunOptions,
    private readonly model: ConfigModel,
    private readonly job: JobModel,
    private readonly runId: string,
    /** The run's state, which `deliver` folds each event into before it records and passes it on. */
    readonly state: RunState,
    private readonly deliver: (event: RunEvent) => void,
  ) {
    this.state.job = job.name;
    this.state.runId = runId;
    this.budget = new OutputBudget(options.outputLimits);
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    // A worker paused at a breakpoint is not stuck: no watchdogs while debugging (nor timeouts in the worker).
    this.timeouts = new Map(isDebugging(options.debug) ? [] : job.tasks.map((t) => [t.id, t.timeout]));
  }

  private get configFile(): string {
    return this.model.layout.configFile;
  }

  private get root(): string {
    return this.model.layout.root;
  }

  async run(): Promise<RunSummary> {
    const { signal } = this.options;
    const onAbort = () => this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    // If this process ends first (a window reloads mid-cancel), the worker must not outlive it.
    const removeExitHook = onProcessExit(() => this.worker?.kill('exit'));
    try {
      let resume: RunResume | undefined;
      for (;;) {
        const end = await this.runWorker(resume);
        if (this.state.finished) break;
        if (end.killedFor?.reason === 'timeout' && !signal?.aborted) {
          resume = this.replaceWorker(end.killedFor.task);
          continue;
        }
        // A worker that died before it started still leaves a run with its plan and every task accounted for.
        if (!this.state.started) {
          this.emit(this.plan());
          for (const event of this.reuse ? reusedEvents(this.reuse) : []) this.emit(event);
        }
        this.finishForWorker(signal?.aborted ?? false, end.fatal ?? describeExit(end.code, end.signal, end.reason));
        break;
      }
    } finally {
      removeExitHook();
      signal?.removeEventListener('abort', onAbort);
      for (const timer of this.watchdogs.values()) clearTimeout(timer);
    }
    return this.state.summary();
  }

  /**
   * The parent numbers every event it passes on: the worker's and its own (lines from the pipes, kill
   * reports), folds it into the run's state and watches the tasks' timeouts.
   */
  private emit(event: RunEventInit | RunEvent): void {
    if (event.type === 'run-log' && !this.state.started) {
      this.early.push(event);
      return;
    }
    const stamped = { ...event, runId: this.runId, seq: ++this.seq, time: 'time' in event ? event.time : Date.now() };
    switch (stamped.type) {
      case 'run-started':
        stamped.owner = currentOwner();
        break;
      case 'task-started':
        this.retrying.delete(stamped.task);
        this.watch(stamped.task, stamped.attempt);
        break;
      // A task waiting to retry is not stuck: its next attempt gets a watchdog of its own.
      case 'task-retrying':
        this.retrying.add(stamped.task);
        clearTimeout(this.watchdogs.get(stamped.task));
        break;
      case 'task-finished':
        this.retrying.delete(stamped.task);
        clearTimeout(this.watchdogs.get(stamped.task));
        break;
    }
    this.deliver(stamped);
    if (stamped.type === 'run-started') for (const line of this.early.splice(0)) this.emit(line);
  }

  /** A log line, within the run's budget: the worker keeps to it, and the parent makes sure. */
  private log(task: string | undefined, message: string, origin?: LineOrigin): void {
    splitLong(message, (line) => {
      if (!this.budget.admit(task, line.length)) return;
      const event: RunEventInit = task === undefined ? { type: 'run-log', message: line } : { type: 'task-log', task, message: line };
      withOrigin(event, origin);
      this.emit(event);
    });
  }

  private sayDropped(task: string | undefined): void {
    const notice = this.budget.notice(task);
    if (notice) this.emit(task === undefined ? { type: 'run-log', ...notice } : { type: 'task-log', task, ...notice });
  }

  /** An event from the worker: log lines go through the budget; the worker's own drop notices pass. */
  private fromWorker(event: RunEvent): void {
    if ((event.type === 'task-log' || event.type === 'run-log') && !event.dropped) {
      this.log(event.type === 'task-log' ? event.task : undefined, event.message, event);
      return;
    }
    if (event.type === 'task-finished') this.sayDropped(event.task);
    if (event.type === 'run-finished') {
      for (const task of this.budget.pendingTasks()) this.sayDropped(task);
      this.sayDropped(undefined);
    }
    this.emit(event);
  }

  /**
   * Starts a worker on the run (or on the rest of it) and resolves when it has ended and everything it
   * printed is in: its `run-finished` is passed on last, after the last line of its pipes. A pooled
   * worker is done with the run at its `run-finished`; what it prints past its runs goes to the pool's log.
   */
  private runWorker(resume: RunResume | undefined): Promise<WorkerEnd> {
    this.killedFor = undefined;
    let finished: RunEvent | undefined;
    let fatal: string | undefined;
    const onMessage = (message: FromWorker) => {
      if (message.type === 'event') {
        if (message.event.type === 'run-finished') {
          finished = message.event;
          this.worker?.done(0);
        } else {
          this.fromWorker(message.event);
        }
      } else if (message.type === 'output') {
        this.log(undefined, message.line, { stream: message.stream });
      } else if (message.type === 'fatal') {
        fatal = message.message;
        this.worker?.done(1);
      } else if (message.type === 'debug-target') {
        // The Python runner's debugpy: the worker logged where it listens.
        this.options.onDebugTarget?.(message.target);
      }
    };
    const pool = this.options.pool;
    const ended = pool ? this.leaseWorker(pool, onMessage) : this.ownWorker(resume, onMessage, (message) => (fatal = message));
    const start: ToWorker = {
      type: 'start',
      configFile: this.configFile,
      model: this.model,
      job: this.job.name,
      runId: this.runId,
      concurrency: this.options.concurrency,
      output: this.options.outputLimits,
      resume,
      python: this.options.python,
      pythonFrom: this.options.pythonFrom,
      workers: this.options.workers,
      reuse: this.reuse,
      debug: this.options.debug,
    };
    if (pool) start.stay = true;
    this.worker?.send(start);
    if (this.options.signal?.aborted) this.cancel();
    return ended.then((end) => {
      if (finished) this.fromWorker(finished);
      return { ...end, killedFor: this.killedFor, fatal };
    });
  }

  /** A worker of the run's own (the prestarted one, or a new one): resolves when it has exited and its pipes are read. */
  private ownWorker(resume: RunResume | undefined, onMessage: (message: FromWorker) => void, fail: (message: string) => void): Promise<WorkerEnd> {
    const prestarted = resume === undefined && this.options.worker?.connected ? this.options.worker : undefined;
    const child = prestarted ?? startWorker(this.options.workerScript, this.root, this.options.debug);
    this.worker = {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      // It exits on its own; one that does not (a task holding it) is stopped.
      done: () => void setTimeout(() => killGroup(child), this.graceMs).unref(),
      kill: () => killGroup(child),
    };
    // Output written past the capture (native code, processes the tasks started) comes through the pipes.
    /** Each pipe's last line without a newline, when the pipe ends or is given up on. */
    const pipeEnds: (() => void)[] = [];
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      if (!stream) continue;
      stream.setEncoding('utf8');
      const lines = new LineSplitter((line) => {
        if (name === 'stderr' && this.options.debug?.inspect && this.fromInspector(line, child, fail)) return;
        this.log(undefined, line, { stream: name });
      });
      stream.on('data', (text: string) => lines.push(text));
      stream.on('end', () => lines.end());
      pipeEnds.push(() => lines.end());
    }
    child.on('message', (raw: unknown) => parseMessages(raw, onMessage));
    return new Promise<WorkerEnd>((resolve) => {
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let over = false;
      // `close` (exited, pipes drained) or the timer after `exit`, whichever comes first.
      const done = () => {
        if (!exit || over) return;
        over = true;
        resolve(exit);
      };
      child.on('close', done);
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // A process the tasks started may hold the pipes open: read what came, then stop waiting.
        setTimeout(() => {
          for (const end of pipeEnds) end();
          child.stdout?.destroy();
          child.stderr?.destroy();
          done();
        }, PIPE_CLOSE_MS).unref();
      });
      child.on('error', () => {
        exit ??= { code: null, signal: null };
        done();
      });
    });
  }

  /** A lease on a pooled worker: resolves when the worker is done with the run, or has died. */
  private leaseWorker(pool: WorkerPool, onMessage: (message: FromWorker) => void): Promise<WorkerEnd> {
    const lease: WorkerLease = pool.lease(this.runId, this.root, onMessage);
    this.worker = {
      send: (message) => lease.send(message),
      done: (code) => lease.release(code),
      kill: (why) => {
        if (why === 'cancel') lease.abandon(`run ${this.runId} did not stop within ${this.graceMs} ms of its cancel`);
        else if (why === 'timeout') lease.kill(`a task of run ${this.runId} was stuck past its timeout`);
        // At this process' exit, the pool stops its workers itself.
      },
    };
    return lease.ended;
  }

  /**
   * One of Node's inspector lines on a debugged worker's stderr: where it listens becomes the run's debug
   * target and a line that says where to attach; an inspector that could not listen stops the run, which
   * would otherwise run without it. False for any other line.
   */
  private fromInspector(line: string, child: ChildProcess, fail: (message: string) => void): boolean {
    const said = inspectorLine(line);
    if (said?.kind === 'listening') {
      const target: DebugTarget = { kind: 'node', host: said.host, port: said.port, url: said.url };
      if (child.pid !== undefined) target.pid = child.pid;
      this.options.onDebugTarget?.(target);
      this.log(undefined, whereToAttach(target, this.options.debug?.inspect?.brk === true));
    } else if (said?.kind === 'failed') {
      fail(said.message);
      this.log(undefined, said.message, { level: 'error' });
      killGroup(child);
    }
    return said !== undefined;
  }

  private cancel(): void {
    const worker = this.worker;
    worker?.send({ type: 'cancel', runId: this.runId });
    setTimeout(() => {
      if (!this.state.finished && this.worker === worker) {
        this.killedFor ??= { reason: 'cancel' };
        worker?.kill('cancel');
      }
    }, this.graceMs).unref();
  }

  private watch(task: string, attempt: number): void {
    const timeout = this.timeouts.get(task);
    if (timeout === undefined) return;
    clearTimeout(this.watchdogs.get(task));
    const timer = setTimeout(
      () => {
        const current = this.state.tasks[task];
        if (current?.status === 'running' && current.attempts === attempt && !this.killedFor) {
          this.killedFor = { reason: 'timeout', task };
          this.emit({ type: 'run-log', message: `${task} did not stop within ${this.graceMs} ms after its ${timeout}s timeout: stopping the worker` });
          this.worker?.kill('timeout');
        }
      },
      Math.min(timeout * 1000 + this.graceMs, MAX_TIMER_MS),
    );
    timer.unref();
    this.watchdogs.set(task, timer);
  }

  /**
   * The worker was killed because `stuck` did not stop after its timeout: `stuck` is timed out (or
   * retried, if it has retries left), and a new worker takes over the rest. Tasks that were running
   * beside it run again there as a new attempt that does not use up their retries.
   */
  private replaceWorker(stuck: string): RunResume {
    const message = 'timed out and did not stop (stuck in synchronous code?): the worker was killed';
    const stuckTask = this.job.tasks.find((t) => t.id === stuck);
    const attempts = this.state.tasks[stuck]?.attempts ?? 1;
    const startedAt = this.state.running.get(stuck);
    if (stuckTask && attempts - (this.lost.get(stuck) ?? 0) <= stuckTask.retries) {
      this.emit({ type: 'task-retrying', task: stuck, attempt: attempts, delayMs: 0, error: { message } });
    } else {
      this.sayDropped(stuck);
      this.emit({
        type: 'task-finished',
        task: stuck,
        status: 'timedOut',
        attempts,
        durationMs: startedAt === undefined ? 0 : Date.now() - startedAt,
        error: { message },
      });
    }
    const resume: RunResume = { ended: {}, attempts: {}, startedAt: this.state.started?.time ?? Date.now(), summaries: {} };
    const again: string[] = [];
    for (const [id, task] of Object.entries(this.state.tasks)) {
      resume.summaries[id] = { ...task };
      if (task.status === 'pending') continue;
      if (task.status !== 'running') {
        resume.ended[id] = task.status === 'succeeded' ? { status: task.status, result: this.state.results[id] } : { status: task.status };
        continue;
      }
      // Lost with the worker, unless it was only waiting to retry (that retry is still its due).
      const lost = (this.lost.get(id) ?? 0) + (this.retrying.has(id) ? 0 : 1);
      this.lost.set(id, lost);
      resume.attempts[id] = { done: task.attempts, lost };
      if (id !== stuck) again.push(id);
    }
    this.emit({
      type: 'run-log',
      message: `the worker was killed because ${stuck} was stuck; the run goes on in a new worker${again.length ? `, where ${again.join(', ')} start again (an attempt lost with a worker does not use up a retry)` : ''}`,
    });
    return resume;
  }

  private plan(): RunEvent {
    return planEvent(
      this.job,
      {
        runId: this.runId,
        seq: 0,
        time: Date.now(),
        configFile: this.configFile,
        root: this.root,
        concurrency: this.options.concurrency ?? this.job.maxConcurrency ?? null,
      },
      undefined,
      this.reuse?.record,
    );
  }

  /** The worker ended without `run-finished`: report every task it left running or pending, then the run. */
  private finishForWorker(cancelled: boolean, exitReason: string): void {
    for (const [id, task] of Object.entries(this.state.tasks)) {
      if (task.status !== 'running' && task.status !== 'pending') continue;
      const startedAt = this.state.running.get(id);
      const durationMs = startedAt === undefined ? 0 : Date.now() - startedAt;
      let status: FinalTaskStatus;
      let message: string;
      if (cancelled) {
        status = 'cancelled';
        message = task.status === 'running' ? 'cancelled: the worker was stopped' : 'cancelled';
      } else if (task.status === 'running') {
        status = 'failed';
        message = `failed: ${exitReason}`;
      } else {
        status = 'skipped';
        message = `skipped: ${exitReason}`;
      }
      this.sayDropped(id);
      this.emit({ type: 'task-finished', task: id, status, attempts: task.attempts, durationMs, error: { message } });
    }
    for (const task of this.budget.pendingTasks()) this.sayDropped(task);
    this.sayDropped(undefined);
    const status = cancelled ? 'cancelled' : 'failed';
    const error = cancelled ? undefined : exitReason;
    const summary = this.state.summary();
    this.emit({
      type: 'run-finished',
      status,
      durationMs: this.state.started ? Date.now() - this.state.started.time : 0,
      summary: { job: summary.job, runId: summary.runId, status, durationMs: summary.durationMs, tasks: summary.tasks, ...(error ? { error } : {}) },
    });
  }
}

/** Kills a worker and its process group (what its tasks started). */
export function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null, reason?: string): string {
  if (reason) return `the worker process was stopped: ${reason}`;
  return signal ? `the worker process was killed (${signal})` : `the worker process exited with code ${code}`;
}
