import type { Connection } from 'vscode-languageserver/node';
import { configJobs, type JobsNotifier } from './jobs';
import { describeError, type Logger } from './log';
import { type DiagnosticOptions, toDiagnostics } from './service';
import type { Workspace } from './workspace';

/** Diagnostics are due this long after the last keystroke, analysis included. */
export const LATENCY_BUDGET_MS = 150;
/** The longest wait for more keystrokes. */
export const MAX_DEBOUNCE_MS = 100;
/**
 * A config whose jobs (plans included) took longer than this to work out the last time gets them
 * after typing pauses for `JOBS_PAUSE_MS`, not at every version: on a 10,000-task config they cost
 * more than its diagnostics, and the job tree is no place to watch each keystroke.
 */
export const JOBS_INLINE_MS = 5;
export const JOBS_PAUSE_MS = 250;

/**
 * Publishes each config's diagnostics: at once when opened or found, after a debounce while typing. The
 * debounce is fixed when the client sets `debounceMs`; else it is what the budget leaves once the
 * config's last analysis time is taken off, so even a big config's diagnostics come within 150 ms.
 * A config's diagnostics always go to one URI, the open document's when it is open. The same analysis
 * gives the client's jobs (`jobs`, when the client asked for them), so the tree and the Problems panel agree.
 */
export class Publisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly sentTo = new Map<string, string>();
  /** How long each config's last analysis took (ms). */
  private readonly cost = new Map<string, number>();
  private readonly jobsTimers = new Map<string, NodeJS.Timeout>();
  /** How long each config's jobs took to work out the last time (ms). */
  private readonly jobsCost = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly log: Logger,
    private readonly debounceMs: number | undefined,
    private readonly options: DiagnosticOptions,
    private readonly jobs?: JobsNotifier,
  ) {}

  delayFor(file: string): number {
    return this.debounceMs ?? Math.max(0, Math.min(MAX_DEBOUNCE_MS, LATENCY_BUDGET_MS - (this.cost.get(file) ?? 0)));
  }

  /** Publishes after the debounce; a newer change restarts it. */
  schedule(file: string, delay = this.delayFor(file)): void {
    clearTimeout(this.timers.get(file));
    this.timers.set(
      file,
      setTimeout(() => {
        this.timers.delete(file);
        this.publish(file);
      }, delay),
    );
  }

  /** Publishes several configs one after the other, letting requests in between. */
  async publishAll(files: Iterable<string>): Promise<void> {
    for (const file of files) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.timers.has(file)) this.publish(file);
    }
  }

  publish(file: string): void {
    clearTimeout(this.timers.get(file));
    this.timers.delete(file);
    try {
      const started = performance.now();
      const doc = this.workspace.document(file);
      this.cost.set(file, performance.now() - started);
      const uri = this.workspace.uriOf(file);
      const previous = this.sentTo.get(file);
      if (previous && previous !== uri) void this.connection.sendDiagnostics({ uri: previous, diagnostics: [] });
      if (!doc) {
        if (previous === uri) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
        this.sentTo.delete(file);
        this.forgetJobs(file);
        this.jobs?.removed(file);
        return;
      }
      const version = doc.version >= 0 ? doc.version : undefined;
      void this.connection.sendDiagnostics({ uri, version, diagnostics: toDiagnostics(doc, this.options) });
      this.sentTo.set(file, uri);
      // After the diagnostics: they are what the latency budget is for.
      this.scheduleJobs(file);
    } catch (error) {
      this.log.error(`diagnostics of ${file} failed: ${describeError(error)}`);
    }
  }

  /** Sends a config's jobs when they changed: at once for a config whose jobs are quick to work out, else once typing pauses. */
  private scheduleJobs(file: string): void {
    if (!this.jobs) return;
    clearTimeout(this.jobsTimers.get(file));
    this.jobsTimers.delete(file);
    if ((this.jobsCost.get(file) ?? 0) <= JOBS_INLINE_MS) return this.sendJobs(file);
    this.jobsTimers.set(
      file,
      setTimeout(() => {
        this.jobsTimers.delete(file);
        // A newer version is on its way: its diagnostics will bring its jobs.
        if (!this.timers.has(file)) this.sendJobs(file);
      }, JOBS_PAUSE_MS),
    );
  }

  private forgetJobs(file: string): void {
    clearTimeout(this.jobsTimers.get(file));
    this.jobsTimers.delete(file);
    this.jobsCost.delete(file);
  }

  private sendJobs(file: string): void {
    try {
      const doc = this.workspace.document(file);
      if (!doc) return;
      const started = performance.now();
      this.jobs?.changed(configJobs(doc, this.workspace.runSettings(file)));
      this.jobsCost.set(file, performance.now() - started);
    } catch (error) {
      this.log.error(`jobs of ${file} failed: ${describeError(error)}`);
    }
  }

  /** Withdraws a config's diagnostics (closed and not in the workspace, or deleted). */
  clear(file: string): void {
    clearTimeout(this.timers.get(file));
    this.timers.delete(file);
    this.forgetJobs(file);
    const previous = this.sentTo.get(file);
    if (previous) void this.connection.sendDiagnostics({ uri: previous, diagnostics: [] });
    this.sentTo.delete(file);
    this.jobs?.removed(file);
  }
}
