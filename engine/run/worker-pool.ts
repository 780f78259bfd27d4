// Long-lived workers shared by many runs, for `fastasyncio serve --reuse-workers`: a run then costs a
// message to a worker whose Node, bundle and task modules are loaded already, not a process. Several runs
// go on in one worker at once (runs are async); each keeps its own events, signal and output budget.
//
// What reuse gives up: a later run in the same worker sees what earlier ones left in its memory (globals,
// module-level state of task modules, which the loader evaluates once per worker, npm packages' state,
// native state). What it keeps: a worker that may hold code still running for nobody (a task timed out,
// or was cancelled or stopped while it ran), that threw outside any task, or whose event loop a task
// blocked, is retired (given no more runs, stopped once its other runs end, and replaced); a worker that
// dies fails only the runs it held, and is replaced.

import type { ChildProcess } from 'node:child_process';
import { defaultWorkerScript, holdProcess, killGroup, startWorker } from './child-runner';
import type { RunEvent } from './events';
import { onProcessExit } from './exit-hooks';
import { LineSplitter } from './output';
import { type FromWorker, parseMessages, runOf, type ToWorker } from './worker-protocol';

export interface WorkerPoolOptions {
  /** Workers kept running. Default 2. */
  size?: number;
  workerScript?: string;
  /** How long a retired worker with runs left has to answer a ping before it is killed. Default 1000 ms. */
  graceMs?: number;
  /** Where the pool says what it does (retirements) and what workers print outside any run. */
  log?: (line: string) => void;
}

/** How a worker was done with one run. */
export interface LeaseEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the worker was stopped, when the pool stopped it (the run's error then says so). */
  reason?: string;
}

/** Lines a worker may print outside any run before the rest are only counted. */
const STRAY_LINES = 100;
/**
 * A worker that exits sooner than this after it started is replaced only when a run needs one: one that
 * cannot boot (a broken install) must not be forked again and again.
 */
const MIN_LIFETIME_MS = 1000;

/**
 * One run's use of a pooled worker. The child runner sends it the run's messages and is given the
 * worker's messages about the run; `ended` resolves when the worker is done with the run.
 */
export class WorkerLease {
  readonly ended: Promise<LeaseEnd>;
  private resolveEnd!: (end: LeaseEnd) => void;
  /** Tasks of the run whose attempt is running in the worker. */
  readonly running = new Set<string>();

  constructor(
    private readonly worker: PooledWorker,
    readonly runId: string,
    readonly onMessage: (message: FromWorker) => void,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnd = resolve));
  }

  send(message: ToWorker): void {
    this.worker.send(message);
  }

  /** The run has ended in the worker (`run-finished`, or `fatal`): the worker goes on with its other runs. */
  release(code = 0): void {
    this.end({ code, signal: null });
  }

  /**
   * The run is given up on in this worker (a cancel it did not honour in time): what it left running
   * may go on there, so the worker is retired, and whatever it still says about the run is ignored.
   */
  abandon(why: string): void {
    this.worker.retire(why);
    this.end({ code: null, signal: null, reason: why });
  }

  /** A task blocks the worker: it is killed, and every run it held ends with it. */
  kill(why: string): void {
    this.worker.kill(why);
  }

  /** Called by the worker: the lease is over, for one of the reasons above or because the worker died. */
  end(end: LeaseEnd): void {
    if (!this.worker.leases.delete(this.runId)) return;
    this.resolveEnd(end);
    this.worker.leaseEnded();
  }
}

/** A worker of the pool, with the runs it holds. */
class PooledWorker {
  readonly process: ChildProcess;
  readonly leases = new Map<string, WorkerLease>();
  /** Why it takes no more runs, once it does not. */
  retired?: string;
  /** Why the pool killed it, for the runs that end with it. */
  private killedFor?: string;
  /** The project root its runs work in (a worker's runs share the process' working directory). */
  root?: string;
  private strayLines = 0;
  private pongWaiting?: NodeJS.Timeout;
  private readonly startedAt = Date.now();

  constructor(
    private readonly pool: WorkerPool,
    workerScript: string,
  ) {
    this.process = startWorker(workerScript);
    this.process.on('message', (raw: unknown) => parseMessages(raw, (message) => this.route(message)));
    this.process.once('exit', (code, signal) => this.exited(code, signal));
    this.process.on('error', () => undefined);
    this.readPipes();
    holdProcess(this.process, false);
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null && !this.killedFor;
  }

  get usable(): boolean {
    return this.alive && this.retired === undefined && this.process.connected;
  }

  send(message: ToWorker): void {
    if (this.process.connected) this.process.send(message);
  }

  lease(runId: string, root: string, onMessage: (message: FromWorker) => void): WorkerLease {
    const lease = new WorkerLease(this, runId, onMessage);
    this.root = root;
    if (this.leases.size === 0) holdProcess(this.process, true);
    this.leases.set(runId, lease);
    return lease;
  }

  /** No more runs for this worker: stopped now when it holds none, else once its runs end (or it stops answering). */
  retire(why: string): void {
    if (this.retired !== undefined || !this.alive) return;
    this.retired = why;
    this.pool.say(`worker ${this.process.pid} retired: ${why}`);
    this.pool.fill();
    if (this.leases.size === 0) this.kill(why);
    else this.checkAnswers();
  }

  /** Kills the worker and its process group (what its tasks started). */
  kill(why: string): void {
    if (!this.alive || this.process.pid === undefined) return;
    this.killedFor = why;
    killGroup(this.process);
  }

  leaseEnded(): void {
    if (this.leases.size > 0) return;
    if (this.retired !== undefined) this.kill(this.retired);
    else holdProcess(this.process, false);
  }

  /**
   * A retired worker's other runs may go on only if its event loop still turns: a task that ignored a
   * cancel may be blocking it, and then nothing else in it would ever end.
   */
  private checkAnswers(): void {
    this.send({ type: 'ping' });
    this.pongWaiting = setTimeout(() => this.kill(`it did not answer within ${this.pool.graceMs} ms after being retired (${this.retired})`), this.pool.graceMs);
    this.pongWaiting.unref();
  }

  private route(message: FromWorker): void {
    if (message.type === 'pong') {
      clearTimeout(this.pongWaiting);
      return;
    }
    if (message.type === 'retire') {
      this.retire(message.reason);
      return;
    }
    const runId = runOf(message);
    const lease = runId === undefined ? undefined : this.leases.get(runId);
    if (!lease) {
      if (message.type === 'output') this.stray(message.line);
      return;
    }
    if (message.type === 'event') this.watch(lease, message.event);
    lease.onMessage(message);
  }

  /**
   * Retires the worker when an attempt of one of its runs was left running for nobody: a timeout
   * abandons it (`timedOut`, or a retry after a timeout), and so does a cancel or a stop while it ran.
   */
  private watch(lease: WorkerLease, event: RunEvent): void {
    switch (event.type) {
      case 'task-started':
        lease.running.add(event.task);
        break;
      case 'task-retrying':
        if (lease.running.delete(event.task) && isTimeout(event.error?.message)) this.retire(`${event.task} of run ${lease.runId} timed out`);
        break;
      case 'task-finished': {
        const wasRunning = lease.running.delete(event.task);
        if (event.status === 'timedOut') this.retire(`${event.task} of run ${lease.runId} timed out`);
        else if (event.status === 'cancelled' && wasRunning) this.retire(`${event.task} of run ${lease.runId} was stopped while it ran`);
        break;
      }
    }
  }

  /** What the worker prints outside any run (or native code writes to its descriptors) goes to the pool's log, bounded. */
  private stray(line: string): void {
    if (++this.strayLines <= STRAY_LINES) this.pool.say(`worker ${this.process.pid}: ${line}`);
    else if (this.strayLines === STRAY_LINES + 1) this.pool.say(`worker ${this.process.pid}: more output, not logged`);
  }

  private readPipes(): void {
    for (const stream of [this.process.stdout, this.process.stderr]) {
      if (!stream) continue;
      stream.setEncoding('utf8');
      const lines = new LineSplitter((line) => this.stray(line));
      stream.on('data', (text: string) => lines.push(text));
      stream.on('end', () => lines.end());
    }
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.pongWaiting);
    const reason = this.killedFor;
    this.killedFor ??= 'exited';
    this.pool.gone(this, Date.now() - this.startedAt >= MIN_LIFETIME_MS);
    for (const lease of [...this.leases.values()]) lease.end({ code, signal, reason });
  }
}

/** The scheduler's message for a timed-out attempt (scheduler.ts `settleFailure`). */
const isTimeout = (message: string | undefined) => message !== undefined && /^timed out after /.test(message);

/** The pool: workers started ahead of runs, given runs least-busy first, replaced when retired or gone. */
export class WorkerPool {
  private readonly workers: PooledWorker[] = [];
  private readonly size: number;
  private readonly workerScript: string;
  readonly graceMs: number;
  private closed = false;
  private readonly removeExitHook: () => void;

  constructor(private readonly options: WorkerPoolOptions = {}) {
    this.size = options.size ?? 2;
    this.workerScript = options.workerScript ?? defaultWorkerScript();
    this.graceMs = options.graceMs ?? 1000;
    // The workers' orphan watchdog would stop them too; this is sooner.
    this.removeExitHook = onProcessExit(() => this.killAll('the server exited'));
  }

  /** Starts workers until `size` can take runs. */
  fill(): void {
    let usable = this.workers.filter((w) => w.usable).length;
    while (!this.closed && usable++ < this.size) this.workers.push(new PooledWorker(this, this.workerScript));
  }

  /**
   * A worker for the run `runId` of the project at `root`: the least busy of those that work in that
   * root (one starts when there is none; workers of another root, left from an earlier config, retire).
   */
  lease(runId: string, root: string, onMessage: (message: FromWorker) => void): WorkerLease {
    if (this.closed) throw new Error('the worker pool is closed');
    for (const worker of this.workers) if (worker.root !== undefined && worker.root !== root) worker.retire(`the project root is now ${root}`);
    this.fill();
    let best: PooledWorker | undefined;
    for (const worker of this.workers) {
      if (worker.usable && (best === undefined || worker.leases.size < best.leases.size)) best = worker;
    }
    if (!best) {
      best = new PooledWorker(this, this.workerScript);
      this.workers.push(best);
    }
    return best.lease(runId, root, onMessage);
  }

  /** The pids of the workers that take runs (for tests and the bench). */
  get pids(): number[] {
    return this.workers.filter((w) => w.usable).map((w) => w.process.pid ?? 0);
  }

  say(line: string): void {
    this.options.log?.(line);
  }

  /** A worker exited: forgotten, and replaced now (`replace`) or at the next run. */
  gone(worker: PooledWorker, replace: boolean): void {
    const at = this.workers.indexOf(worker);
    if (at >= 0) this.workers.splice(at, 1);
    if (replace) this.fill();
  }

  /** Stops every worker; runs still in them end as their worker does. */
  close(): void {
    this.closed = true;
    this.removeExitHook();
    this.killAll('the pool was closed');
  }

  private killAll(why: string): void {
    for (const worker of this.workers) worker.kill(why);
  }
}
