import * as fs from 'node:fs';
import type { RunEvent, RunFinishedEvent, RunStartedEvent, RunStatus, RunSummary } from './events';
import { foldRecord, readHead, readTail, replayRecord } from './record-reader';
import { isRunId, recordFile, runIds } from './records';
import { appendCompletion, completionEvents, type Interruption, interruption, STALE_MS } from './reconcile';
import { RunState } from './summary';

/**
 * Recorded runs as the HTTP API, the CLI's `runs` and the extension show them: what a list needs from a
 * record's first and last lines only, the whole summary and the event replay streamed. Reading a record
 * whose run was interrupted completes it (see reconcile.ts). Nothing here blocks or throws on a record:
 * one that cannot be read is listed with what can be said.
 */

/** A run as `GET /runs` and `fastasyncio runs` list it. */
export interface RunListItem {
  runId: string;
  job: string;
  status: RunStatus;
  durationMs: number;
  error?: string;
}

export interface RecordedRun extends RunListItem {
  root: string;
  file: string;
  /** The record's `run-started`, when its first line is one. */
  started?: RunStartedEvent;
  /** The seq of the run's last event (its completion's, for an interrupted run shown completed). */
  lastSeq: number;
  /** Whether the run has ended, in its record or in `completion`. */
  ended: boolean;
  /** An interrupted run's ending that is shown but not in its record (its owner's fate is unknown, or another reader is writing it). */
  completion?: RunEvent[];
}

/** Completions shown but not written (see `RecordedRun.completion`), by record and its size and time: folded once. */
const shownCompletions = new Map<string, RunEvent[]>();
const SHOWN_COMPLETIONS = 64;
const inspecting = new Map<string, Promise<RecordedRun | undefined>>();

/**
 * A recorded run from its record's head and tail (undefined when there is no record); an interrupted one
 * is completed first. Concurrent calls for the same record share one reading.
 */
export function inspectRun(root: string, runId: string): Promise<RecordedRun | undefined> {
  if (!isRunId(runId)) return Promise.resolve(undefined);
  const file = recordFile(root, runId);
  let pending = inspecting.get(file);
  if (!pending) {
    pending = inspect(root, runId, file, true).finally(() => inspecting.delete(file));
    inspecting.set(file, pending);
  }
  return pending;
}

async function inspect(root: string, runId: string, file: string, retry: boolean): Promise<RecordedRun | undefined> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : unreadable(root, runId, file, undefined, error);
  }
  let started: RunStartedEvent | undefined;
  let last: RunEvent | undefined;
  let finished: RunFinishedEvent | undefined;
  try {
    [started, { last, finished }] = await Promise.all([readHead(file), readTail(file)]);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : unreadable(root, runId, file, stat.mtimeMs, error);
  }
  const base = { runId, root, file, started, job: started?.job ?? '' };
  if (finished) {
    const run: RecordedRun = {
      ...base,
      job: base.job || String(finished.summary.job ?? ''),
      status: finished.status,
      durationMs: finished.durationMs,
      lastSeq: finished.seq,
      ended: true,
    };
    if (typeof finished.summary.error === 'string') run.error = finished.summary.error;
    return run;
  }
  const why = interruption(started, stat.mtimeMs);
  if (!why) {
    const run: RecordedRun = {
      ...base,
      status: 'running',
      durationMs: started && last ? Math.max(0, last.time - started.time) : 0,
      lastSeq: last?.seq ?? 0,
      ended: false,
    };
    if (!started && stat.size > 0) run.error = "the record's first line is not the run's start";
    return run;
  }
  let completed: Awaited<ReturnType<typeof complete>>;
  try {
    completed = await complete(runId, file, stat, why, retry);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : unreadable(root, runId, file, stat.mtimeMs, error);
  }
  const { events, written } = completed;
  if (written === 'changed') return inspect(root, runId, file, false);
  const ending = events[events.length - 1];
  const run: RecordedRun = {
    ...base,
    status: 'interrupted',
    durationMs: ending.type === 'run-finished' ? ending.durationMs : 0,
    error: why.error,
    lastSeq: ending.seq,
    ended: true,
  };
  if (written !== 'written') run.completion = events;
  return run;
}

/** Folds an interrupted run's record, works out its ending and, when its owner is known to be gone, appends it. */
async function complete(
  runId: string,
  file: string,
  stat: fs.Stats,
  why: Interruption,
  retry: boolean,
): Promise<{ events: RunEvent[]; written?: 'written' | 'busy' | 'changed' }> {
  const key = `${file}\0${stat.size}\0${stat.mtimeMs}`;
  const shown = shownCompletions.get(key);
  if (shown && !why.persist) return { events: shown };
  const { state } = await foldRecord(file);
  const endedAt = Math.max(stat.mtimeMs, state.started ? state.started.time + state.durationMs : 0);
  const events = completionEvents(runId, state, why, endedAt);
  if (why.persist) {
    const written = await appendCompletion(file, stat.size, events).catch(() => 'busy' as const);
    if (written === 'written' || (written === 'changed' && retry)) return { events, written };
  }
  shownCompletions.set(key, events);
  if (shownCompletions.size > SHOWN_COMPLETIONS) shownCompletions.delete(shownCompletions.keys().next().value!);
  return { events, written: 'busy' };
}

/** A record that exists but cannot be read: listed all the same, running while it is being written to. */
function unreadable(root: string, runId: string, file: string, modified: number | undefined, error: unknown): RecordedRun {
  const reason = `the run's record cannot be read (${(error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error))})`;
  const run: RecordedRun = { runId, root, file, job: '', status: 'running', durationMs: 0, error: reason, lastSeq: 0, ended: false };
  if (modified !== undefined && Date.now() - modified < STALE_MS) return run;
  // Not written to for long: it will not end by itself, so it is shown ended.
  const summary = { job: '', runId, status: 'interrupted' as const, durationMs: 0, tasks: {}, error: reason };
  const finished: RunEvent = { type: 'run-finished', runId, seq: 1, time: modified ?? Date.now(), status: 'interrupted', durationMs: 0, summary };
  return { ...run, status: 'interrupted', lastSeq: 1, ended: true, completion: [finished] };
}

/** The list entry of a recorded run. */
export function listItem(run: RecordedRun): RunListItem {
  const item: RunListItem = { runId: run.runId, job: run.job, status: run.status, durationMs: run.durationMs };
  if (run.error !== undefined) item.error = run.error;
  return item;
}

/** The recorded runs of a project, newest first: `limit` of them, older than `before` if given. */
export async function listRecordedRuns(root: string, options: { limit?: number; before?: string } = {}): Promise<RecordedRun[]> {
  const ids = (await runIds(root)).filter((id) => options.before === undefined || id < options.before);
  const runs = await Promise.all(ids.slice(0, options.limit ?? ids.length).map((id) => inspectRun(root, id).catch(() => undefined)));
  return runs.filter((run): run is RecordedRun => run !== undefined);
}

/** A recorded run folded into its state (streamed), its shown completion included: what a UI renders. */
export async function recordedState(run: RecordedRun): Promise<RunState> {
  const state = await foldRecord(run.file).then(
    (fold) => fold.state,
    () => new RunState(),
  );
  for (const event of run.completion ?? []) state.apply(event);
  if (!state.started) {
    // Nothing of the record could be read: what the list says.
    Object.assign(state, { runId: run.runId, job: run.job, status: run.status, durationMs: run.durationMs, error: run.error, finished: run.ended });
  }
  return state;
}

/** A recorded run's whole summary, the same object as `run --format json`. */
export async function recordedSummary(run: RecordedRun): Promise<RunSummary> {
  return (await recordedState(run)).summary();
}

/**
 * Replays a recorded run's events after `after` (a seq) to its `run-finished`, to `send` (awaited, so a
 * slow reader slows the reading), its shown completion included; `stopped` ends it early.
 */
export async function replayRun(
  run: RecordedRun,
  after: number,
  send: (seq: number, json: string) => void | Promise<void>,
  stopped?: () => boolean,
): Promise<void> {
  let sent = after;
  try {
    const record = (seq: number, json: string) => {
      sent = Math.max(sent, seq);
      return send(seq, json);
    };
    await replayRecord(run.file, after, record, { stopped });
  } catch {
    // A record that cannot be read (any more): what there is.
  }
  for (const event of run.completion ?? []) if (event.seq > sent && !stopped?.()) await send(event.seq, JSON.stringify(event));
}
