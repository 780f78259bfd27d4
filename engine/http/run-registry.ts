import type { JobModel } from '../config/types';
import { defaultWorkerScript, runJobInChild } from '../run/child-runner';
import type { RunEvent, RunStatus, RunSummary } from '../run/events';
import { isRunId, listRunIds, newRunId, readRun } from '../run/records';
import { RunState } from '../run/summary';
import type { ConfigVersion } from './config-watch';

/** A run this server started: its events in memory, its live summary, and the streams that follow it. */
export class LiveRun {
  readonly state = new RunState();
  readonly events: RunEvent[] = [];
  readonly controller = new AbortController();
  private readonly followers = new Set<(events: readonly RunEvent[]) => void>();

  constructor(
    readonly runId: string,
    readonly job: JobModel,
    /** The project root: where its record is. */
    readonly root: string,
    readonly configVersion: number,
  ) {
    this.state.job = job.name;
    this.state.runId = runId;
    // Known before the worker reports `run-started`, so the first summary already lists them.
    for (const task of job.tasks) this.state.tasks[task.id] = { status: 'pending', attempts: 0, durationMs: 0 };
  }

  get finished(): boolean {
    return this.state.finished;
  }

  push(event: RunEvent): void {
    this.events.push(event);
    this.state.apply(event);
    for (const follower of [...this.followers]) follower([event]);
  }

  /**
   * Calls `onEvents` with the events after `afterSeq` (those so far at once, then each as it comes) until
   * `run-finished`. Returns the function that stops following.
   */
  follow(afterSeq: number, onEvents: (events: readonly RunEvent[]) => void): () => void {
    const start = this.events.findIndex((e) => e.seq > afterSeq);
    const backlog = start === -1 ? [] : this.events.slice(start);
    if (backlog.length > 0) onEvents(backlog);
    if (this.finished) return () => {};
    const follower = (events: readonly RunEvent[]) => {
      const fresh = events.filter((e) => e.seq > afterSeq);
      if (fresh.length > 0) onEvents(fresh);
      if (this.finished) this.followers.delete(follower);
    };
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  /** The live summary: while the run goes on, its duration so far. */
  summary(): RunSummary {
    const summary = this.state.summary();
    if (!this.finished && this.state.started) summary.durationMs = Date.now() - this.state.started.time;
    return summary;
  }
}

export interface RegistryOptions {
  /** More runs than this at once are refused (429). */
  maxActiveRuns: number;
  /** Run records kept on disk per project. */
  keepRuns: number;
  /** Finished runs kept in memory (older ones are read from their records). Default 100. */
  keepInMemory?: number;
  /** The child runner's grace period before it kills a worker. */
  graceMs?: number;
  /** The project root of the config in effect, whose records `GET /runs` lists too. */
  currentRoot: () => string | undefined;
  log: (line: string) => void;
}

export type StartResult = { ok: true; run: LiveRun } | { ok: false; reason: 'busy'; activeRuns: number } | { ok: false; reason: 'closing' };

export interface RunListItem {
  runId: string;
  job: string;
  status: RunStatus;
  durationMs: number;
  error?: string;
}

/** A run as found: one of ours (live or kept in memory) or a record on disk. */
export type FoundRun = { kind: 'live'; run: LiveRun } | { kind: 'recorded'; events: RunEvent[] };

/**
 * The runs this server started (in memory, with their events) and the run records on disk. Runs go
 * through the child-process runner, so task code never runs in the server's process.
 */
export class RunRegistry {
  private readonly runs = new Map<string, LiveRun>();
  private readonly roots = new Set<string>();
  private readonly settled = new Set<Promise<void>>();
  private activeCount = 0;
  private closing = false;
  private readonly workerScript = defaultWorkerScript();

  constructor(private readonly options: RegistryOptions) {}

  get activeRuns(): number {
    return this.activeCount;
  }

  get maxActiveRuns(): number {
    return this.options.maxActiveRuns;
  }

  /** Starts `job` of `config` in a worker process, unless `maxActiveRuns` are already active. */
  start(config: ConfigVersion, job: JobModel, concurrency?: number): StartResult {
    const model = config.analysis.model;
    if (!model) throw new Error(`config version ${config.version} has no model: it cannot be run`);
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
      configText: config.text,
      analysis: config.analysis,
      job: job.name,
      concurrency,
      runId,
      signal: run.controller.signal,
      record: { keep: this.options.keepRuns },
      graceMs: this.options.graceMs,
      workerScript: this.workerScript,
      onEvent: (event) => {
        // Released before followers hear `run-finished`: a client that saw it may start another run at once.
        if (event.type === 'run-finished') {
          release();
          this.options.log(`run ${runId} (${job.name}) ${event.status} in ${Math.round(event.durationMs)} ms${event.summary.error ? `: ${event.summary.error}` : ''}`);
        }
        run.push(event);
      },
    })
      .then(
        () => undefined,
        (error: unknown) => {
          this.options.log(`run ${runId} (${job.name}) could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          if (!run.finished) failRun(run, `the run could not be started: ${error instanceof Error ? error.message : String(error)}`);
        },
      )
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
  find(runId: string): FoundRun | undefined {
    if (!isRunId(runId)) return undefined;
    const run = this.runs.get(runId);
    if (run) return { kind: 'live', run };
    for (const root of this.knownRoots()) {
      const events = readRun(root, runId);
      if (events && events.length > 0) return { kind: 'recorded', events };
    }
    return undefined;
  }

  /** The runs newest first, `limit` at a time; `before` pages on. */
  list(limit: number, before?: string): { runs: RunListItem[]; more: boolean } {
    const ids = new Set(this.runs.keys());
    for (const root of this.knownRoots()) for (const id of listRunIds(root)) ids.add(id);
    const page = [...ids]
      .filter((id) => before === undefined || id < before)
      .sort()
      .reverse();
    const runs: RunListItem[] = [];
    for (const id of page) {
      if (runs.length === limit) return { runs, more: true };
      const found = this.find(id);
      if (!found) continue;
      const summary = found.kind === 'live' ? found.run.summary() : summaryOf(found.events);
      const item: RunListItem = { runId: id, job: summary.job, status: summary.status, durationMs: summary.durationMs };
      if (summary.error !== undefined) item.error = summary.error;
      runs.push(item);
    }
    return { runs, more: false };
  }

  /** Starts nothing more, cancels every active run and waits for them to end (shutdown). */
  async cancelAll(): Promise<void> {
    this.closing = true;
    for (const run of this.runs.values()) if (!run.finished) run.controller.abort();
    await Promise.all(this.settled);
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

/** A recorded run's summary, folded from its events as every UI does. */
export function summaryOf(events: readonly RunEvent[]): RunSummary {
  return RunState.of(events).summary();
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
