import * as vscode from 'vscode';
import { type ReadConfig, readConfigFile } from '../engine/analysis/read-config';
import { ConfigReadError } from '../engine/config/read';
import type { ConfigModel, JobModel } from '../engine/config/types';
import type { RerunRequest } from '../engine/run/rerun';
import { ConfigError, findJob, JobNotFoundError } from '../engine/run/setup';
import { debugRun } from './debugging';
import { JobIndex } from './jobs';
import { RunLog } from './output';
import { relativePaths } from './paths';
import { debuggerPackagePath, pickPython } from './python';
import { usesPython } from '../engine/run/module-executor';
import { describeChoice } from './python-choice';
import { forcedRequest, isRerunError, offersRerunFailed, offersRunAnyway } from './reruns';
import { RunController } from './runs';
import { notifyRunEnd, RunStatusBar, showRunProgress } from './status';
import { JobsTree } from './tree-view';
import { redisOf, type WhereItem, whereItems } from './workers-choice';

export const RESTRICTED_MESSAGE =
  "FastAsyncio: running jobs is disabled in Restricted Mode, because it executes the workspace's task code. Trust the workspace to run jobs; validation keeps working.";

/** Says why a job does not run in Restricted Mode, and offers to manage the workspace's trust. */
export async function refuseUntrusted(): Promise<void> {
  const choice = await vscode.window.showWarningMessage(RESTRICTED_MESSAGE, 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
}

/** How `Ctx.runJob` runs a job: whole, or part of it again (`rerun`); under the debugger (`debug`). */
export interface RunJobOptions {
  /** "Re-run Failed", "Run Task": what to reuse from earlier runs (the engine's `RerunRequest`). */
  rerun?: RerunRequest;
  /** "Debug Job": the run waits for VS Code's debugger, which attaches to its worker (and Python runner). */
  debug?: boolean;
}

/** The extension's state, handed to every command. */
export class Ctx implements vscode.Disposable {
  readonly log = new RunLog();
  readonly jobs = new JobIndex(this.log.channel);
  readonly runs = new RunController();
  readonly tree = new JobsTree(this.jobs, this.runs);
  readonly statusBar = new RunStatusBar(this.runs);
  lastRun: { file: string; job: string } | undefined;
  /** The value of the `fastasyncio.canRerunFailed` context key. */
  private rerunFailed = false;
  private readonly disposables: vscode.Disposable[];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.disposables = [
      this.jobs,
      this.runs,
      this.log,
      this.tree,
      this.statusBar,
      this.runs.onDidChange(({ event }) => event && this.log.write(event)),
      this.runs.onDidChange(() => this.updateRerunFailed()),
    ];
  }

  /** Whether the palette's "Re-run Failed" has a run to act on: this window's latest run failed or was cancelled. */
  private updateRerunFailed(): void {
    const latest = this.runs.latest();
    const offered = latest !== undefined && offersRerunFailed(latest.state);
    if (offered === this.rerunFailed) return;
    this.rerunFailed = offered;
    void vscode.commands.executeCommand('setContext', 'fastasyncio.canRerunFailed', offered);
  }

  /**
   * Runs a job after the checks a user expects: trusted workspace, saved config, no error that stops the
   * job. A re-run the engine refuses says why (and offers "Run anyway" when only changes since stop it);
   * a debugged run runs here, whatever the Redis setting.
   */
  async runJob(file: string, job: string, options: RunJobOptions = {}): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void refuseUntrusted();
      return;
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (open?.isDirty) await open.save();
    const settings = await this.jobs.runSettings(file);
    if (!settings) {
      void vscode.window.showErrorMessage(`FastAsyncio: ${relativePaths(file)} is not a job config of this workspace.`);
      return;
    }
    // The one analysis the extension host makes: of this config as saved, when it runs. The worker runs
    // that very text.
    let config: ReadConfig;
    let found: { model: ConfigModel; job: JobModel };
    try {
      config = readConfigFile(file, { taskDir: settings.taskDir, handlerDir: settings.handlerDir });
      found = findJob(file, config.analysis, job);
    } catch (error) {
      if (error instanceof ConfigError) return this.showErrors(file, job, error);
      if (error instanceof ConfigReadError || error instanceof JobNotFoundError) {
        void vscode.window.showErrorMessage(`FastAsyncio: ${relativePaths(error.message)}`);
        return;
      }
      throw error;
    }
    // With a Redis set: locally, or on workers through it? Escape runs nothing.
    const redis = redisOf(settings.redis, process.env);
    let where: WhereItem | undefined;
    if (redis && !options.debug) {
      where = await vscode.window.showQuickPick(whereItems(redis, process.env), {
        title: `FastAsyncio: Run ${job}`,
        placeHolder: 'Where should its tasks run?',
      });
      if (!where) return;
      if (where.problem) {
        void vscode.window.showErrorMessage(`FastAsyncio: ${where.problem}.`);
        return;
      }
    }
    this.lastRun = { file, job };
    // The engine's first line of the run names the interpreter and where it came from.
    const python = usesPython(found.job);
    const choice = python ? await pickPython(file, settings.python, this.log.channel) : undefined;
    const root = found.model.layout.root;
    const debugging = options.debug
      ? debugRun({ job, configFile: file, root, python, extensionUri: this.extension.extensionUri, log: this.log.channel, cancel: () => this.runs.cancel(run) })
      : undefined;
    // An interpreter without debugpy of its own can use the one the Python extension ships.
    const pythonDebug = debugging?.debug.python;
    if (pythonDebug) pythonDebug.debugpyPath = await debuggerPackagePath(this.log.channel);
    const run = this.runs.start(config, root, job, settings, {
      jobConcurrency: found.job.maxConcurrency,
      python: choice?.python,
      pythonFrom: choice && describeChoice(choice),
      workers: where?.workers,
      rerun: options.rerun,
      ...(debugging ? { debug: debugging.debug, onDebugTarget: debugging.sessions.onTarget } : {}),
    });
    this.log.channel.show(true);
    showRunProgress(this.runs, run);
    // How it ended, once it has (a run that could not start says so below).
    void run.done?.then(
      () => notifyRunEnd(run),
      () => undefined,
    );
    void run.done?.finally(() => debugging?.sessions.end()).catch(() => undefined);
    run.done?.catch((error: unknown) => {
      if (isRerunError(error)) return void this.refuseRerun(file, job, options, error);
      const message = error instanceof ConfigError || error instanceof JobNotFoundError ? error.message : String(error);
      void vscode.window.showErrorMessage(`FastAsyncio: ${relativePaths(message)}`);
    });
  }

  /** The engine would not re-run as asked: why, and when changes since the earlier run are the reason, "Run anyway". */
  private async refuseRerun(file: string, job: string, options: RunJobOptions, error: Error): Promise<void> {
    const force = options.rerun && !options.rerun.force && offersRunAnyway(error);
    const choice = await vscode.window.showErrorMessage(`FastAsyncio: ${job} can't re-run: ${relativePaths(error.message)}`, ...(force ? ['Run anyway'] : []));
    if (choice === 'Run anyway' && options.rerun) await this.runJob(file, job, { ...options, rerun: forcedRequest(options.rerun) });
  }

  private async showErrors(file: string, job: string, error: ConfigError): Promise<void> {
    const count = error.problems.filter((p) => p.severity === 'error').length;
    const choice = await vscode.window.showErrorMessage(`FastAsyncio: ${job} can't run: ${count} error(s) in ${relativePaths(file)} stop it.`, 'Show Problems');
    if (choice === 'Show Problems') {
      await vscode.window.showTextDocument(vscode.Uri.file(file));
      await vscode.commands.executeCommand('workbench.actions.view.problems');
    }
  }

  dispose(): void {
    for (const d of this.disposables) void d.dispose();
  }
}
