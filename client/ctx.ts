import * as vscode from 'vscode';
import { type ReadConfig, readConfigFile } from '../engine/analysis/read-config';
import { ConfigReadError } from '../engine/config/read';
import type { ConfigModel, JobModel } from '../engine/config/types';
import { ConfigError, findJob, JobNotFoundError } from '../engine/run/run-job';
import { JobIndex } from './jobs';
import { RunLog } from './output';
import { relativePaths } from './paths';
import { pickPython } from './python';
import { usesPython } from '../engine/run/module-executor';
import { describeChoice } from './python-choice';
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

/** The extension's state, handed to every command. */
export class Ctx implements vscode.Disposable {
  readonly log = new RunLog();
  readonly jobs = new JobIndex(this.log.channel);
  readonly runs = new RunController();
  readonly tree = new JobsTree(this.jobs, this.runs);
  readonly statusBar = new RunStatusBar(this.runs);
  lastRun: { file: string; job: string } | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.disposables = [this.jobs, this.runs, this.log, this.tree, this.statusBar, this.runs.onDidChange(({ event }) => event && this.log.write(event))];
  }

  /** Runs a job after the checks a user expects: trusted workspace, saved config, no error that stops the job. */
  async runJob(file: string, job: string): Promise<void> {
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
    if (redis) {
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
    const choice = usesPython(found.job) ? await pickPython(file, settings.python, this.log.channel) : undefined;
    const run = this.runs.start(config, found.model.layout.root, job, settings, {
      jobConcurrency: found.job.maxConcurrency,
      python: choice?.python,
      pythonFrom: choice && describeChoice(choice),
      workers: where?.workers,
    });
    this.log.channel.show(true);
    showRunProgress(this.runs, run);
    // How it ended, once it has (a run that could not start says so below).
    void run.done?.then(
      () => notifyRunEnd(run),
      () => undefined,
    );
    run.done?.catch((error: unknown) => {
      const message = error instanceof ConfigError || error instanceof JobNotFoundError ? error.message : String(error);
      void vscode.window.showErrorMessage(`FastAsyncio: ${relativePaths(message)}`);
    });
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
