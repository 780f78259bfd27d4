import type { JobModel } from '../config/types';
import { defaultWorkerScript, runJobInChild } from '../run/child-runner';
import { WarmWorkers } from '../run/warm-workers';
import { WorkerPool } from '../run/worker-pool';
import { inspectRun, listItem, type RecordedRun, type RunListItem } from '../run/recorded-runs';
import { isRunId, newRunId, runIds } from '../run/records';
import type { ConfigVersion } from './config-watch';
import { LiveRun } from './live-run';
import type { OutputLimits } from '../run/output';
import type { RerunPlan } from '../run/rerun';
import type { WorkersOptions } from '../run/setup';

export { LiveRun } from './live-run';
export type { RunListItem } from '../run/recorded-runs';

/** Idle workers the server keeps booted: enough for a burst of two runs on a small machine. */
const WARM_WORKERS = 2;
/** Workers shared by the runs with `reuseWorkers`: two, so that a retired one is never the only one. */
const POOLED_WORKERS = 2;

export interface RegistryOptions {
  /** More runs than this at once are refused (429). */
  maxActiveRuns: number;
  /** Run records kept on disk per project. */
  keepRuns: number;
  /** Finished runs kept in memory (older ones are read from their records). Default 100. */
  keepInMemory?: number;
  /** The child runner's grace period before it kills a worker. */
  graceMs?: number;
  /** Each run's output budget. */
  outputLimits?: OutputLimits;
  /** The Python interpreter of runs' Python tasks. */
  python?: string;
  /** Runs on workers through BullMQ (`--redis`). */
  workers?: WorkersOptions;
  /**
   * Runs share a few long-lived workers (`serve --reuse-workers`, worker-pool.ts) instead of one
   * worker each: much cheaper, but a run sees what earlier runs in its worker left in memory.
   */
  reuseWorkers?: boolean;
  /** The project root of the config in effect, whose records `GET /runs` lists too. */
  currentRoot: () => string | undefined;
  log: (line: string) => void;
}

export type StartResult = { ok: true; run: LiveRun } | { ok: false; reason: 'busy'; activeRuns: number } | { ok: false; reason: 'closing' };

/** A run as found: one of ours (live, or finished and kept in memory with its summary) or a record on disk. */
export type FoundRun = { kind: 'live'; run: LiveRun } | { kind: 'recorded'; record: RecordedRun };

/**
 * The runs this server started (in memory: their summaries, and the latest events of those going on) and
 * the run records on disk, read without blocking. Runs go through the child-process runner, so task code
 * never runs in the server's process.
 */
export class RunRegistry {
  private readonly runs = new Map<string, LiveRun>();
  private readonly roots = new Set<string>();
  private readonly settled = new Set<Promise<void>>();
  private activeCount = 0;
  private closing = false;
  private readonly workerScript = defaultWorkerScript();
  /** Workers booted ahead of the next runs (one run each: see warm-workers.ts); unless they are pooled. */
  private readonly warm?: WarmWorkers;
  /** Workers shared by runs, with `reuseWorkers`. */
  private readonly pool?: WorkerPool;

  constructor(private readonly options: RegistryOptions) {
    if (options.reuseWorkers) {
      this.pool = new WorkerPool({ size: POOLED_WORKERS, workerScript: this.workerScript, graceMs: options.graceMs, log: options.log });
      this.pool.fill();
    } else {
      this.warm = new WarmWorkers(WARM_WORKERS, this.workerScript);
    }
  }

  get activeRuns(): number {
    return this.activeCount;
  }

  get maxActiveRuns(): number {
    return this.options.maxActiveRuns;
  }

  /**
   * Starts `job` of `config` in a worker process, unless `maxActiveRuns` are already active; `rerun`, a
   * re-run of it worked out already (`resolveRerun`).
   */
  start(config: ConfigVersion, job: JobModel, concurrency?: number, rerun?: RerunPlan): StartResult {
    // A re-run runs its own version of the job, which its plan's model holds.
    const model = rerun?.model ?? config.analysis.model;
    if (!model) throw new Error(`config version ${config.version} has no model: it cannot be run`);
    if (rerun) job = rerun.job;
    if (this.closing) return { ok: false, reason: 'closing' };
    if (this.activeCount >= this.options.maxActiveRuns) return { ok: false, reason: 'busy', activeRuns: this.activeCount };
    let runId = newRunId();
    while (this.runs.has(runId)) runId = newRunId();
    const run = new LiveRun(runId, job, model.layout.root, config.version);
    this.runs.set(runId, run);
    this.roots.add(run.root);
    this.activeCount++;
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      this.activeCount--;
    };
    const running = runJobInChild({
      configFile: config.file,
      ...(rerun ? { model, reuse: rerun.rerun } : { analysis: config.analysis }),
      job: job.name,
      concurrency,
      runId,
      signal: run.controller.signal,
      record: { keep: this.options.keepRuns },
      graceMs: this.options.graceMs,
      outputLimits: this.options.outputLimits,
      python: this.options.python,
      workers: this.options.workers,
      workerScript: this.workerScript,
      ...(this.pool ? { pool: this.pool } : { worker: this.warm?.take() }),
      onEvent: (event) => {
        // Released before followers hear `run-finished`: a client that saw it may start another run at once.
        if (event.type === 'run-finished') {
          release();
          this.options.log(
            `run ${runId} (${job.name}) ${event.status} in ${Math.round(event.durationMs)} ms${event.summary.error ? `: ${event.summary.error}` : ''}`,
          );
        }
        run.push(event);
      },
    })
      .then(
        () => true,
        (error: unknown) => {
          this.options.log(`run ${runId} (${job.name}) could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          if (!run.finished) failRun(run, `the run could not be started: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        },
      )
      // Once the runner has returned the record is complete: memory keeps the summary, the events are in the
      // record (opened before the worker was asked to run anything). A run that could not start has none.
      .then((recorded) => run.settle(!recorded))
      .finally(() => {
        release();
        this.settled.delete(running);
        this.evict();
      });
    this.settled.add(running);
    this.options.log(`run ${runId} (${job.name}) started with config version ${config.version}`);
    return { ok: true, run };
  }

  /** A run by id: ours, or recorded under a known project root. Ids are checked with `isRunId` first. */
  async find(runId: string): Promise<FoundRun | undefined> {
    if (!isRunId(runId)) return undefined;
    const run = this.runs.get(runId);
    if (run) return { kind: 'live', run };
    for (const root of this.knownRoots()) {
      const record = await inspectRun(root, runId);
      if (record) return { kind: 'recorded', record };
    }
    return undefined;
  }

  /**
   * The runs newest first, `limit` at a time; `before` pages on. A record is read at its first and last
   * lines only, so the size of a record does not matter; one that cannot be read is listed all the same.
   */
  async list(limit: number, before?: string): Promise<{ runs: RunListItem[]; more: boolean }> {
    /** Where each run is: ours (undefined) or the root of its record. */
    const where = new Map<string, string | undefined>();
    for (const id of this.runs.keys()) where.set(id, undefined);
    for (const root of this.knownRoots()) for (const id of await runIds(root)) if (!where.has(id)) where.set(id, root);
    const page = [...where.keys()]
      .filter((id) => before === undefined || id < before)
      .sort()
      .reverse();
    const runs: RunListItem[] = [];
    let next = 0;
    // Read together; a record deleted meanwhile (pruned) is left out and the next one taken instead.
    while (runs.length < limit && next < page.length) {
      const ids = page.slice(next, next + limit - runs.length);
      next += ids.length;
      for (const item of await Promise.all(ids.map((id) => this.item(id, where.get(id))))) if (item) runs.push(item);
    }
    return { runs, more: next < page.length };
  }

  private async item(runId: string, root: string | undefined): Promise<RunListItem | undefined> {
    const run = this.runs.get(runId);
    if (run) {
      const summary = run.summary();
      const item: RunListItem = { runId, job: summary.job, status: summary.status, durationMs: summary.durationMs };
      if (summary.error !== undefined) item.error = summary.error;
      return item;
    }
    const record = root === undefined ? undefined : await inspectRun(root, runId);
    return record && listItem(record);
  }

  /** Starts nothing more, cancels every active run and waits for them to end (shutdown). */
  async cancelAll(): Promise<void> {
    this.closing = true;
    this.warm?.close();
    for (const run of this.runs.values()) if (!run.finished) run.controller.abort();
    await Promise.all(this.settled);
    this.pool?.close();
  }

  /** The pids of the pooled workers that take runs (none without `reuseWorkers`). */
  get pooledWorkers(): number[] {
    return this.pool?.pids ?? [];
  }

  private knownRoots(): Set<string> {
    const current = this.options.currentRoot();
    return current === undefined || this.roots.has(current) ? this.roots : new Set([...this.roots, current]);
  }

  /** Forgets the oldest finished runs beyond `keepInMemory`; their records stay on disk. */
  private evict(): void {
    const keep = this.options.keepInMemory ?? 100;
    let finished = 0;
    for (const run of this.runs.values()) if (run.finished) finished++;
    for (const [id, run] of this.runs) {
      if (finished <= keep) break;
      if (!run.finished) continue;
      this.runs.delete(id);
      finished--;
    }
  }
}

/** Ends a run that never got going (its worker could not be started). */
function failRun(run: LiveRun, error: string): void {
  const summary = run.state.summary();
  run.push({
    type: 'run-finished',
    runId: run.runId,
    seq: run.state.lastSeq + 1,
    time: Date.now(),
    status: 'failed',
    durationMs: 0,
    summary: { job: summary.job, runId: summary.runId, status: 'failed', durationMs: 0, tasks: summary.tasks, error },
  });
}
