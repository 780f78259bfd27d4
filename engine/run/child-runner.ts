import { type ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { readConfigFile } from '../config/read';
import type { FinalTaskStatus, RunEvent, RunEventInit, RunSummary } from './events';
import { eventSink, openRecorder } from './recorder';
import { newRunId } from './records';
import { checkConcurrency, findJob, planEvent, type RunOptions } from './run-job';
import { MAX_TIMER_MS } from './scheduler';
import { RunState } from './summary';
import { type FromWorker, type ToWorker, WORKER_COMMAND } from './worker-protocol';

export interface ChildRunOptions extends Omit<RunOptions, 'executor'> {
  /** The bundled CLI that serves as the worker; found next to this bundle by default. */
  workerScript?: string;
  /** How long a worker may take to stop after a cancel, or a task after its timeout, before it is killed. */
  graceMs?: number;
  /**
   * The text of the config as analysed in `analysis`: the worker then runs that version even if the file
   * has changed since (the HTTP API keeps the last valid version in effect). Read from disk otherwise.
   */
  configText?: string;
}

const DEFAULT_GRACE_MS = 1000;

/** `dist/cli.js`: next to this code when bundled, else in the repository's `dist/`. */
export function defaultWorkerScript(): string {
  const beside = path.join(__dirname, 'cli.js');
  return fs.existsSync(beside) ? beside : path.resolve(__dirname, '../../dist/cli.js');
}

/**
 * Runs a job in a child process (the bundled engine), so user code never runs in the caller's process,
 * and streams the same events. The parent records them, so a crash of the child loses nothing it
 * reported. A task stuck past its timeout, or a worker that ignores a cancel, is killed after `graceMs`;
 * the tasks that were running are then reported as timed out or cancelled.
 */
export async function runJobInChild(options: ChildRunOptions): Promise<RunSummary> {
  const analysis = options.analysis ?? readConfigFile(options.configFile, options.defaults).analysis;
  const { model, job } = findJob(options.configFile, analysis, options.job);
  checkConcurrency(options.concurrency);
  const runId = options.runId ?? newRunId();
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const recorder = openRecorder(model.layout.root, runId, options.record ?? true);
  const state = new RunState();
  state.job = job.name;
  state.runId = runId;
  const timeouts = new Map(job.tasks.map((t) => [t.id, t.timeout]));
  const watchdogs = new Map<string, NodeJS.Timeout>();
  let seq = 0;
  let killedFor: { reason: 'timeout'; task: string } | { reason: 'cancel' } | undefined;
  let fatal: string | undefined;

  const deliver = eventSink(state, recorder, options.onEvent);
  /** The parent numbers every event it passes on: the worker's, and those it adds (console lines, kill reports). */
  const emit = (event: RunEventInit | RunEvent) => {
    const stamped = { ...event, runId, seq: ++seq, time: 'time' in event ? event.time : Date.now() } as RunEvent;
    if (stamped.type === 'task-started') watch(stamped.task, stamped.attempt);
    // A task waiting to retry is not stuck: its next attempt gets a watchdog of its own.
    if (stamped.type === 'task-finished' || stamped.type === 'task-retrying') clearTimeout(watchdogs.get(stamped.task));
    if (stamped.type === 'run-finished') setTimeout(kill, graceMs).unref();
    deliver(stamped);
  };

  const child: ChildProcess = fork(options.workerScript ?? defaultWorkerScript(), [WORKER_COMMAND], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
    cwd: model.layout.root,
    // The worker is plain bundled JavaScript: none of the caller's loader flags (tsx in tests).
    execArgv: [],
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const watch = (task: string, attempt: number) => {
    const timeout = timeouts.get(task);
    if (timeout === undefined) return;
    clearTimeout(watchdogs.get(task));
    const timer = setTimeout(() => {
      if (state.tasks[task]?.status === 'running' && state.tasks[task].attempts === attempt && !killedFor) {
        killedFor = { reason: 'timeout', task };
        emit({ type: 'run-log', message: `${task} did not stop within ${graceMs} ms after its ${timeout}s timeout: stopping the worker` });
        kill();
      }
    }, Math.min(timeout * 1000 + graceMs, MAX_TIMER_MS));
    timer.unref();
    watchdogs.set(task, timer);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => emit({ type: 'run-log', message: line }));
  }
  child.on('message', (message: FromWorker) => {
    if (message.type === 'event') emit(message.event);
    else if (message.type === 'fatal') fatal = message.message;
  });
  const onAbort = () => {
    if (child.connected) child.send({ type: 'cancel' } satisfies ToWorker);
    setTimeout(() => {
      if (!state.finished) {
        killedFor ??= { reason: 'cancel' };
        kill();
      }
    }, graceMs).unref();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  // If this process ends first (a window reloads mid-cancel), the worker must not outlive it.
  process.once('exit', kill);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', () => resolve({ code: null, signal: null }));
  });
  child.send({ type: 'start', configFile: model.layout.configFile, configText: options.configText, defaults: options.defaults, job: job.name, runId, concurrency: options.concurrency } satisfies ToWorker);
  if (options.signal?.aborted) onAbort();
  const { code, signal } = await exit;
  process.removeListener('exit', kill);
  options.signal?.removeEventListener('abort', onAbort);
  for (const timer of watchdogs.values()) clearTimeout(timer);

  if (!state.finished) {
    // A worker that died before it started still leaves a run with its plan and every task accounted for.
    if (!state.started) emit(planEvent(job, { runId, seq: 0, time: Date.now(), configFile: model.layout.configFile, root: model.layout.root, concurrency: options.concurrency ?? job.maxConcurrency ?? null }));
    finishForWorker(emit, state, options.signal?.aborted ?? false, killedFor, fatal ?? describeExit(code, signal));
  }
  recorder?.close();
  return state.summary();
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `the worker process was killed (${signal})` : `the worker process exited with code ${code}`;
}

/** The worker ended without `run-finished`: report every task it left running or pending, then the run. */
function finishForWorker(
  emit: (event: RunEventInit) => void,
  state: RunState,
  cancelled: boolean,
  killedFor: { reason: 'timeout'; task: string } | { reason: 'cancel' } | undefined,
  exitReason: string,
): void {
  const stuck = killedFor?.reason === 'timeout' ? killedFor.task : undefined;
  for (const [id, task] of Object.entries(state.tasks)) {
    if (task.status !== 'running' && task.status !== 'pending') continue;
    const startedAt = state.running.get(id);
    const durationMs = startedAt === undefined ? 0 : Date.now() - startedAt;
    let status: FinalTaskStatus;
    let message: string;
    if (id === stuck) {
      status = 'timedOut';
      message = 'timed out and did not stop (stuck in synchronous code?): the worker was killed';
    } else if (cancelled) {
      status = 'cancelled';
      message = task.status === 'running' ? 'cancelled: the worker was stopped' : 'cancelled';
    } else if (task.status === 'running') {
      status = stuck ? 'cancelled' : 'failed';
      message = stuck ? `stopped with the worker (killed because ${stuck} was stuck)` : `failed: ${exitReason}`;
    } else {
      status = 'skipped';
      message = stuck ? `skipped: the worker was stopped because ${stuck} was stuck` : `skipped: ${exitReason}`;
    }
    emit({ type: 'task-finished', task: id, status, attempts: task.attempts, durationMs, error: { message } });
  }
  const status = cancelled ? 'cancelled' : 'failed';
  const error = cancelled ? undefined : stuck ? `${stuck} was stuck after its timeout; the worker was killed` : exitReason;
  const summary = state.summary();
  emit({
    type: 'run-finished',
    status,
    durationMs: state.started ? Date.now() - state.started.time : 0,
    summary: { job: summary.job, runId: summary.runId, status, durationMs: summary.durationMs, tasks: summary.tasks, ...(error ? { error } : {}) },
  });
}
