import type { JobModel } from '../config/types';
import type { RunEvent, RunSummary } from '../run/events';
import { recordFile } from '../run/records';
import { RunState } from '../run/summary';

/**
 * The latest events a run keeps in memory for the streams that follow it; older ones are read back from
 * its record, which lags behind by less than the recorder's 64 KB batch. So a chatty run costs the server
 * a bounded amount of memory, and a finished one only its summary.
 */
const RECENT_EVENTS = 4096;
const RECENT_CHARS = 4 * 1024 * 1024;
/**
 * A finished run whose events are all in memory and add up to less than this keeps them: a client that
 * asks for the events of a short run just after it ended (the common case with quick runs) is answered
 * from memory, not from the record. The finished runs kept in memory (100) then cost 1.6 MB at most.
 */
const SMALL_RUN_CHARS = 16 * 1024;

/** A rough size of an event, for the bound above: logs are most of a chatty run. */
const sizeOf = (event: RunEvent) => (event.type === 'task-log' || event.type === 'run-log' ? event.message.length : 0) + 160;

/** A run this server started: its live summary, its latest events, and a way to wait for the next. */
export class LiveRun {
  readonly state = new RunState();
  readonly controller = new AbortController();
  /** Its record. */
  readonly file: string;
  /** The latest events, oldest first from `first`. */
  private recent: RunEvent[] = [];
  private first = 0;
  private chars = 0;
  private ended = false;
  /** The seq of its `run-finished` (0 until then): the end of its event stream. */
  finishedSeq = 0;
  private waiting: Array<() => void> = [];

  constructor(
    readonly runId: string,
    readonly job: JobModel,
    /** The project root: where its record is. */
    readonly root: string,
    readonly configVersion: number,
  ) {
    this.file = recordFile(root, runId);
    this.state.job = job.name;
    this.state.runId = runId;
    // Known before the worker reports `run-started`, so the first summary already lists them.
    for (const task of job.tasks) this.state.tasks[task.id] = { status: 'pending', attempts: 0, durationMs: 0 };
  }

  /** Whether `run-finished` has come. */
  get finished(): boolean {
    return this.state.finished;
  }

  /** Whether the runner has returned: the record is complete, and memory keeps the summary only. */
  get settled(): boolean {
    return this.ended;
  }

  push(event: RunEvent): void {
    this.state.apply(event);
    if (event.type === 'run-finished') this.finishedSeq = event.seq;
    if (this.ended) return;
    this.recent.push(event);
    this.chars += sizeOf(event);
    while (this.recent.length - this.first > 1 && (this.recent.length - this.first > RECENT_EVENTS || this.chars > RECENT_CHARS)) {
      this.chars -= sizeOf(this.recent[this.first++]);
    }
    if (this.first > 1024 && this.first * 2 > this.recent.length) {
      this.recent = this.recent.slice(this.first);
      this.first = 0;
    }
    this.wake();
  }

  /**
   * The events after `seq` when memory still has all of them (none when there is nothing newer), or
   * undefined when some are in the record only.
   */
  eventsAfter(seq: number): readonly RunEvent[] | undefined {
    if (seq >= this.state.lastSeq) return [];
    const count = this.recent.length - this.first;
    if (count === 0 || this.recent[this.first].seq > seq + 1) return undefined;
    // Seqs grow by one but need not: find the first one after `seq`.
    let low = this.first;
    let high = this.recent.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.recent[middle].seq <= seq) low = middle + 1;
      else high = middle;
    }
    return this.recent.slice(low);
  }

  /** Resolves at the next event, or when the run settles. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * The runner has returned. Its events are dropped (they are in the record) unless `keepEvents` (a run
   * that could not start has no record, only what this server said about it) or they are few and small.
   */
  settle(keepEvents: boolean): void {
    this.ended = true;
    const small = this.first === 0 && this.chars <= SMALL_RUN_CHARS;
    if (!keepEvents && !small) {
      this.recent = [];
      this.first = 0;
      this.chars = 0;
    }
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** The live summary: while the run goes on, its duration so far. */
  summary(): RunSummary {
    const summary = this.state.summary();
    if (!this.finished && this.state.started) summary.durationMs = Date.now() - this.state.started.time;
    return summary;
  }
}
