import type { ChildProcess } from 'node:child_process';
import { defaultWorkerScript, holdProcess, startWorker } from './child-runner';

/**
 * Workers booted ahead of the runs that will use them, for the long-lived processes that start runs
 * (the HTTP server, the extension host): a run then begins in a worker whose Node and bundle are loaded
 * already (about 100 ms saved, most of the time to its first task). Each worker still runs one run and
 * exits: nothing a task leaves in memory reaches a later run, and a worker that crashed or was killed is
 * never used again. An idle worker costs a process (about 40 MB) and exits with its parent.
 */
export class WarmWorkers {
  private readonly idle: ChildProcess[] = [];
  private closed = false;

  constructor(
    /** How many workers wait at most. */
    private readonly size = 1,
    private readonly workerScript = defaultWorkerScript(),
  ) {}

  /**
   * A booted worker for a run, or undefined when none is ready (the run starts its own); the pool fills
   * again behind it either way. Give it to `runJobInChild` as `worker`.
   */
  take(): ChildProcess | undefined {
    let worker: ChildProcess | undefined;
    while ((worker = this.idle.shift())) {
      if (worker.connected && worker.exitCode === null && worker.signalCode === null) break;
    }
    // Idle, it did not keep this process alive; running, it must.
    if (worker) holdProcess(worker, true);
    this.fill();
    return worker;
  }

  /** Starts workers until `size` wait. */
  fill(): void {
    while (!this.closed && this.idle.length < this.size) {
      const worker = startWorker(this.workerScript);
      // Idle workers print nothing; a pipe left unread must not hold the process either.
      holdProcess(worker, false);
      worker.once('exit', () => {
        const at = this.idle.indexOf(worker);
        if (at >= 0) this.idle.splice(at, 1);
      });
      worker.on('error', () => undefined);
      this.idle.push(worker);
    }
  }

  /** Stops the idle workers; runs already given theirs keep them. */
  close(): void {
    this.closed = true;
    for (const worker of this.idle.splice(0)) worker.kill('SIGKILL');
  }
}
