import * as vscode from 'vscode';
import type { ReadConfig } from '../engine/config/read';
import type { RunEvent, RunSummary } from '../engine/run/events';
import { runJobInChild } from '../engine/run/child-runner';
import * as fs from 'node:fs';
import { listRunIds, readRun, readRunState, recordFile } from '../engine/run/records';
import { RunState } from '../engine/run/summary';
import { defaultConcurrency, keepRuns, layoutDefaults } from './settings';

/** A run the extension knows about: live (with a controller) or read back from its record. */
export interface RunInfo {
  runId: string;
  job: string;
  configFile: string;
  root: string;
  state: RunState;
  controller?: AbortController;
  done?: Promise<RunSummary>;
  /** For a recorded run: when its record was last written (epoch ms). */
  modified?: number;
}

/** A recorded run that never finished: still going in another window or process, or interrupted. */
export function unfinishedLabel(run: RunInfo): string | undefined {
  if (run.controller || run.state.finished) return undefined;
  return run.modified !== undefined && Date.now() - run.modified < 60_000 ? 'running elsewhere' : 'interrupted';
}

function modifiedAt(root: string, runId: string): number | undefined {
  try {
    return fs.statSync(recordFile(root, runId)).mtimeMs;
  } catch {
    return undefined;
  }
}

export interface RunChange {
  run: RunInfo;
  event?: RunEvent;
}

/**
 * Starts runs with the engine's child-process runner (task code never runs in the extension host) and
 * keeps them: the live ones, and the recent ones read back from `.fastasyncio/runs/` after a reload.
 */
export class RunController implements vscode.Disposable {
  private readonly live = new Map<string, RunInfo>();
  private readonly records = new Map<string, RunInfo>();
  private readonly changed = new vscode.EventEmitter<RunChange>();
  /** Fires for every event of a live run, and when runs are added. */
  readonly onDidChange = this.changed.event;

  /**
   * `config` was just read and checked by the caller: the worker runs that very text, not analysed again
   * here. `jobConcurrency` is the job's own `maxConcurrency`: the default setting applies only without one.
   */
  start(config: ReadConfig, root: string, job: string, jobConcurrency?: number): RunInfo {
    const configFile = config.file;
    const controller = new AbortController();
    const state = new RunState();
    const run: RunInfo = { runId: '', job, configFile, root, state, controller };
    run.done = runJobInChild({
      configFile,
      analysis: config.analysis,
      configText: config.text,
      job,
      signal: controller.signal,
      defaults: layoutDefaults(configFile),
      concurrency: jobConcurrency === undefined ? defaultConcurrency(configFile) : undefined,
      record: { keep: keepRuns(configFile) },
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

  /** The job's runs, newest first: live ones, then recorded ones (read once, then cached). */
  runsOf(root: string, configFile: string, job: string, limit = 10): RunInfo[] {
    const runs = [...this.live.values()].filter((r) => r.root === root && r.job === job && r.configFile === configFile).reverse();
    const seen = new Set(runs.map((r) => r.runId));
    for (const runId of listRunIds(root)) {
      if (runs.length >= limit) break;
      if (seen.has(runId)) continue;
      const recorded = this.recorded(root, runId);
      if (recorded && recorded.job === job && recorded.configFile === configFile) runs.push(recorded);
    }
    return runs;
  }

  private recorded(root: string, runId: string): RunInfo | undefined {
    const key = `${root}\0${runId}`;
    let run = this.records.get(key);
    if (!run) {
      const state = readRunState(root, runId);
      if (!state) return undefined;
      run = { runId, job: state.job, configFile: state.started?.configFile ?? '', root, state, modified: modifiedAt(root, runId) };
      // A record without its ending may still be written by another window: read it again next time.
      if (state.finished) this.records.set(key, run);
    }
    return run;
  }

  /** The recorded events of a run, for "Show Run Log" of a past run. */
  events(run: RunInfo): RunEvent[] {
    return readRun(run.root, run.runId) ?? [];
  }

  dispose(): void {
    for (const run of this.active()) run.controller?.abort();
    this.changed.dispose();
  }
}
