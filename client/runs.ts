import * as vscode from 'vscode';
import type { ReadConfig } from '../engine/analysis/read-config';
import type { RunEvent, RunSummary } from '../engine/run/events';
import { runJobInChild } from '../engine/run/child-runner';
import { WarmWorkers } from '../engine/run/warm-workers';
import { inspectRun, recordedState, replayRun } from '../engine/run/recorded-runs';
import { runIds } from '../engine/run/records';
import type { RunOptions } from '../engine/run/setup';
import { RunState } from '../engine/run/summary';
import type { RunSettings } from '../server/protocol';

/**
 * A run the extension knows about: live (with a controller) or read back from its record. A recorded run
 * that has not finished is going on elsewhere (another window, the CLI); one whose process is gone is
 * read as `interrupted` (the engine completes its record).
 */
export interface RunInfo {
  runId: string;
  job: string;
  configFile: string;
  root: string;
  state: RunState;
  controller?: AbortController;
  done?: Promise<RunSummary>;
}

/** A recorded run that has not finished: going on in another window or process. */
export function runningElsewhere(run: RunInfo): boolean {
  return !run.controller && !run.done && !run.state.finished;
}

/**
 * How a run is started, besides its config and job (see `RunController.start`): the engine's own options
 * (re-runs for "Re-run Failed" and "Run Task", debuggers for "Debug Job") and the job's `maxConcurrency`.
 */
export type StartOptions = Pick<RunOptions, 'python' | 'pythonFrom' | 'workers' | 'rerun' | 'debug' | 'onDebugTarget'> & { jobConcurrency?: number };

export interface RunChange {
  run: RunInfo;
  event?: RunEvent;
}

/**
 * Starts runs with the engine's child-process runner (task code never runs in the extension host) and
 * keeps them: the live ones, and the recent ones read back from `.fastasyncio/runs/` after a reload.
 */
export class RunController implements vscode.Disposable {
  /** A worker booted for the next run, once a first run has started (one run each: see warm-workers.ts). */
  private readonly warm = new WarmWorkers(1);
  private readonly live = new Map<string, RunInfo>();
  private readonly records = new Map<string, RunInfo>();
  private readonly changed = new vscode.EventEmitter<RunChange>();
  /** Fires for every event of a live run, and when runs are added. */
  readonly onDidChange = this.changed.event;

  /**
   * `config` was just read and checked by the caller: the worker runs that very text, not analysed again
   * here. `settings` are the server's for this config. `jobConcurrency` is the job's own `maxConcurrency`:
   * the default setting applies only without one. `python` is the interpreter picked for the run
   * (python.ts) and `pythonFrom` where from; without one the engine chooses. `workers`: the tasks run on
   * workers through that Redis (workers-choice.ts), else in the child process. `rerun`, `debug` and
   * `onDebugTarget` go to the engine as they are; a re-run it refuses (`RerunError`) rejects `done`.
   */
  start(config: ReadConfig, root: string, job: string, settings: RunSettings, options: StartOptions = {}): RunInfo {
    const { jobConcurrency, python, pythonFrom, workers, rerun, debug, onDebugTarget } = options;
    const configFile = config.file;
    const controller = new AbortController();
    const state = new RunState();
    const run: RunInfo = { runId: '', job, configFile, root, state, controller };
    run.done = runJobInChild({
      configFile,
      analysis: config.analysis,
      job,
      signal: controller.signal,
      defaults: { taskDir: settings.taskDir, handlerDir: settings.handlerDir },
      concurrency: jobConcurrency === undefined ? settings.defaultConcurrency : undefined,
      record: { keep: settings.keepRuns },
      ...(python ? { python, pythonFrom } : {}),
      ...(workers ? { workers } : {}),
      ...(rerun ? { rerun } : {}),
      // A debugged run's worker starts under the inspector: not one of the warm ones.
      ...(debug ? { debug, onDebugTarget } : { worker: this.warm.take() }),
      onEvent: (event) => {
        state.apply(event);
        if (!run.runId) {
          run.runId = event.runId;
          this.live.set(run.runId, run);
        }
        this.changed.fire({ run, event });
      },
    }).finally(() => {
      run.controller = undefined;
      this.changed.fire({ run });
    });
    return run;
  }

  cancel(run: RunInfo): void {
    run.controller?.abort();
  }

  active(): RunInfo[] {
    return [...this.live.values()].filter((r) => r.controller);
  }

  get(runId: string): RunInfo | undefined {
    return this.live.get(runId);
  }

  /** The run started last in this window, going or ended. */
  latest(): RunInfo | undefined {
    return [...this.live.values()].at(-1);
  }

  /**
   * The job's runs, newest first: live ones, then recorded ones. Records are read without blocking (their
   * first and last lines, then the whole of those shown, streamed); ended ones are read once.
   */
  async runsOf(root: string, configFile: string, job: string, limit = 10): Promise<RunInfo[]> {
    const runs = [...this.live.values()].filter((r) => r.root === root && r.job === job && r.configFile === configFile).reverse();
    const seen = new Set(runs.map((r) => r.runId));
    const ids = await runIds(root);
    this.forget(root, ids);
    for (const runId of ids) {
      if (runs.length >= limit) break;
      if (seen.has(runId)) continue;
      const recorded = await this.recorded(root, runId, job, configFile);
      if (recorded) runs.push(recorded);
    }
    return runs;
  }

  /** A recorded run of `job` in `configFile`, or undefined when the record is another job's. */
  private async recorded(root: string, runId: string, job: string, configFile: string): Promise<RunInfo | undefined> {
    const key = `${root}\0${runId}`;
    let run = this.records.get(key);
    if (!run) {
      const record = await inspectRun(root, runId);
      if (!record) return undefined;
      const recordConfig = record.started?.configFile ?? '';
      if (record.job !== job || recordConfig !== configFile) {
        if (record.ended) this.records.set(key, { runId, job: record.job, configFile: recordConfig, root, state: new RunState() });
        return undefined;
      }
      run = { runId, job, configFile, root, state: await recordedState(record) };
      // A record without its ending is still being written elsewhere: read it again next time.
      if (record.ended) this.records.set(key, run);
    }
    return run.job === job && run.configFile === configFile ? run : undefined;
  }

  /** Drops what is cached of records that are gone (pruned). */
  private forget(root: string, ids: readonly string[]): void {
    const present = new Set(ids);
    for (const [key, run] of this.records) if (run.root === root && !present.has(run.runId)) this.records.delete(key);
  }

  /**
   * A run by its id: the live one, else the one its record in `root` tells (undefined when there is no
   * record). For "Show Run" given a run's id and config only.
   */
  async find(root: string, runId: string): Promise<RunInfo | undefined> {
    const live = this.live.get(runId);
    if (live) return live;
    const record = await inspectRun(root, runId);
    if (!record) return undefined;
    return { runId, job: record.job, configFile: record.started?.configFile ?? '', root, state: await recordedState(record) };
  }

  /** Replays a past run's recorded events (for "Show Run Log"), streamed from its record. */
  async replay(run: RunInfo, onEvent: (event: RunEvent) => void): Promise<void> {
    const record = await inspectRun(run.root, run.runId);
    if (record) await replayRun(record, 0, (_seq, json) => onEvent(JSON.parse(json) as RunEvent));
  }

  dispose(): void {
    this.warm.close();
    for (const run of this.active()) run.controller?.abort();
    this.changed.dispose();
  }
}
