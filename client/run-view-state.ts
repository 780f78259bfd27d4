import { analyzeConfig } from '../engine/analysis/analyze';
import type { LayoutDefaults } from '../engine/config/layout';
import type { Position } from '../engine/config/types';
import { nodeFiles } from '../engine/node-files';
import type { RunEvent, RunStartedEvent } from '../engine/run/events';
import { applyEvent } from '../engine/view/fold';
import { jobViewModel } from '../engine/view/from-job';
import { VIEW_MODEL_VERSION, type ViewModel, type ViewRun } from '../engine/view/model';
import type { HostMessage, ViewMessage } from '../engine/view/protocol';
import { offersRerunFailed } from './reruns';

/**
 * The run view's logic without `vscode` (run-view.ts is the panel around it): which run a job's panel
 * shows, what it posts to the graph app and when, and which of the app's requests it grants.
 */

/** A run as the view places it: the job (of a config) it is a run of. */
export interface RunOf {
  job: string;
  configFile: string;
}

/** One panel per job of a config. */
export function jobKey(configFile: string, job: string): string {
  return JSON.stringify([configFile, job]);
}

/** A model with no task yet: a run's `run-started` brings its plan. */
export function emptyModel(job: string, configFile?: string): ViewModel {
  const model: ViewModel = { version: VIEW_MODEL_VERSION, job, tasks: [] };
  if (configFile) model.configFile = configFile;
  return model;
}

/**
 * A job's graph from a config's text (the open document's, else the disk's): the one analysis the view
 * makes, when a panel opens or the job's structure changed. Undefined when the text has no such job (or
 * is not JSON); a job with errors is still drawn (unknown dependencies are no edges, a cycle's tasks stage 0).
 */
export function jobModelFromText(text: string, configFile: string, job: string, options: { defaults?: LayoutDefaults; invalidUtf8At?: number } = {}) {
  const analysis = analyzeConfig(text, { file: configFile, files: nodeFiles(), invalidUtf8At: options.invalidUtf8At, defaults: options.defaults });
  const found = analysis.model?.jobs.find((j) => j.name === job);
  return found && jobViewModel(found, configFile, { configText: text });
}

export interface LiveRun extends RunOf {
  runId: string;
  started?: RunStartedEvent;
  /** The run's events folded into a model of its own (its plan is the run's). */
  model: ViewModel;
}

/**
 * The live runs of this window, each folded as its events come, so that a panel opened during a run
 * starts from everything the run did so far. Bounded: the view keeps the last log lines of each task.
 */
export class LiveRuns {
  private readonly runs = new Map<string, LiveRun>();

  apply(run: RunOf, event: RunEvent): LiveRun {
    let live = this.runs.get(event.runId);
    if (!live) {
      live = { runId: event.runId, job: run.job, configFile: run.configFile, model: emptyModel(run.job, run.configFile) };
      this.runs.set(event.runId, live);
    }
    if (event.type === 'run-started') live.started = event;
    applyEvent(live.model, event);
    return live;
  }

  /** The run has ended (its record has it all now). */
  end(runId: string): void {
    this.runs.delete(runId);
  }

  get(runId: string): LiveRun | undefined {
    return this.runs.get(runId);
  }

  /** The job's live run that started last. */
  latestOf(configFile: string, job: string): LiveRun | undefined {
    let latest: LiveRun | undefined;
    for (const run of this.runs.values()) if (run.configFile === configFile && run.job === job) latest = run;
    return latest;
  }

  get size(): number {
    return this.runs.size;
  }
}

/**
 * A run drawn over a job's graph: the graph as the config defines it, then as the run planned it (a run
 * draws the graph it planned, fold.ts), keeping what the config says of each task that is still there.
 */
export function overlay(base: ViewModel, started: RunStartedEvent | undefined, run: ViewRun | undefined): ViewModel {
  const model = structuredClone(base);
  if (started) applyEvent(model, started);
  if (run) model.run = structuredClone(run);
  else delete model.run;
  return model;
}

/**
 * What a job's panel shows: the job's graph and one run over it, the job's current live run (a run of the
 * job that starts takes the panel over) or the one "Show Run" asked for.
 */
export class Picture {
  model: ViewModel;
  private started?: RunStartedEvent;
  /** Counts the times the shown run was replaced or claimed: a record read meanwhile for an older claim is dropped. */
  generation = 0;

  constructor(private base: ViewModel) {
    this.model = structuredClone(base);
  }

  /** The run shown, if any. */
  get runId(): string | undefined {
    return this.model.run?.runId;
  }

  /** Shows a run from its start event and what it did so far (a live run's, or a record's folded). */
  show(started: RunStartedEvent | undefined, run: ViewRun | undefined): void {
    this.started = started;
    this.model = overlay(this.base, started, run);
    this.generation++;
  }

  /**
   * A run is about to be read for this picture (a record, streamed): the returned claim is still
   * `generation` when it is read unless another run took the picture over meanwhile (a later claim, a
   * run shown or started), and then it is not shown.
   */
  claim(): number {
    return ++this.generation;
  }

  showLive(live: LiveRun): void {
    this.show(live.started, live.model.run);
  }

  /**
   * A live event of one of the job's runs, folded when it is the shown run's or a new run's start: then
   * true (post it to the app, which folds it the same way). Other runs' events are not this picture's.
   */
  live(event: RunEvent): boolean {
    if (event.type === 'run-started') {
      if (event.runId === this.runId) return false;
      this.started = event;
      this.generation++;
    } else if (event.runId !== this.runId) {
      return false;
    }
    applyEvent(this.model, event);
    return true;
  }

  /** The config changed: the job's graph as it is now, under the same run. True when the picture changed. */
  rebase(base: ViewModel): boolean {
    this.base = base;
    const next = overlay(base, this.started, this.model.run);
    if (JSON.stringify(next) === JSON.stringify(this.model)) return false;
    this.model = next;
    return true;
  }
}

/** Cancels what a `Schedule` scheduled. */
export type Cancel = () => void;
export type Schedule = (fn: () => void) => Cancel;

/** About one frame: live events that come together are posted together. */
export const BATCH_MS = 16;

const nextTick: Schedule = (fn) => {
  const timer = setTimeout(fn, BATCH_MS);
  return () => clearTimeout(timer);
};

/**
 * What goes to the app. While it lives (from its `ready` until its panel is hidden, which ends it) each
 * live event, batched per tick; a snapshot of the whole picture when it starts and when the picture is
 * replaced. A snapshot holds every event queued before it, so they are dropped, never posted twice.
 */
export class Outbox {
  private queue: RunEvent[] = [];
  private cancel?: Cancel;
  private alive = false;

  constructor(
    private readonly post: (message: HostMessage) => void,
    private readonly schedule: Schedule = nextTick,
  ) {}

  /** Whether the app is there to post to. */
  get ready(): boolean {
    return this.alive;
  }

  /** The app said `ready` (it starts each time its panel is shown): the whole picture. */
  start(model: ViewModel): void {
    this.alive = true;
    this.replace(model);
  }

  /** The picture was replaced (another run, the job's graph changed): the whole of it. */
  replace(model: ViewModel): void {
    this.drop();
    if (this.alive) this.post({ type: 'model', model });
  }

  /** A live event already folded into the picture: posted with the others of its tick. */
  event(event: RunEvent): void {
    if (!this.alive) return;
    this.queue.push(event);
    this.cancel ??= this.schedule(() => this.flush());
  }

  flush(): void {
    const events = this.queue;
    this.drop();
    if (!this.alive || events.length === 0) return;
    this.post(events.length === 1 ? { type: 'event', event: events[0] } : { type: 'events', events });
  }

  /** The panel was hidden: its app is gone until it says `ready` again. */
  lost(): void {
    this.alive = false;
    this.drop();
  }

  dispose(): void {
    this.lost();
  }

  private drop(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.queue = [];
  }
}

/**
 * The app's message, when it is one the panel grants: `ready`, opening a file the picture names (a
 * task's module, the job's config at a task's entry), "Re-run Failed" on the run shown when it ended
 * failed or cancelled, "Run Task" on a task of the picture (with the run shown when it has ended), and
 * nothing else.
 */
export function grantedMessage(value: unknown, model: ViewModel): ViewMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Partial<Record<string, unknown>>;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'open-module': {
      const path = message.path;
      return typeof path === 'string' && model.tasks.some((t) => t.module === path) ? { type: 'open-module', path } : undefined;
    }
    case 'open-config': {
      const file = message.file;
      if (typeof file !== 'string' || file !== model.configFile) return undefined;
      const position = isPosition(message.position) ? { line: message.position.line, character: message.position.character } : undefined;
      return position ? { type: 'open-config', file, position } : { type: 'open-config', file };
    }
    case 'rerun-failed': {
      const run = model.run;
      return run && message.runId === run.runId && offersRerunFailed(run) ? { type: 'rerun-failed', runId: run.runId } : undefined;
    }
    case 'run-task': {
      const { task, runId } = message;
      if (typeof task !== 'string' || !model.tasks.some((t) => t.id === task)) return undefined;
      if (runId === undefined) return { type: 'run-task', task };
      return typeof runId === 'string' && runId === model.run?.runId && model.run.finished ? { type: 'run-task', task, runId } : undefined;
    }
    default:
      return undefined;
  }
}

function isPosition(value: unknown): value is Position {
  if (typeof value !== 'object' || value === null) return false;
  const { line, character } = value as Partial<Position>;
  return Number.isSafeInteger(line) && Number.isSafeInteger(character) && line! >= 0 && character! >= 0;
}
