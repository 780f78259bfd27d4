import * as vscode from 'vscode';
import { hasErrors } from '../engine/analysis/analyze';
import { ConfigError, JobNotFoundError } from '../engine/run/run-job';
import { JobIndex } from './jobs';
import { RunLog } from './output';
import { RunController } from './runs';
import { RunStatusBar, showRunProgress } from './status';
import { JobsTree } from './tree-view';

export const RESTRICTED_MESSAGE =
  "FastAsyncio: running jobs is disabled in Restricted Mode, because it executes the workspace's task code. Trust the workspace to run jobs; validation keeps working.";

/** The extension's state, handed to every command. */
export class Ctx implements vscode.Disposable {
  readonly jobs = new JobIndex();
  readonly runs = new RunController();
  readonly log = new RunLog();
  readonly tree = new JobsTree(this.jobs, this.runs);
  readonly statusBar = new RunStatusBar(this.runs);
  lastRun: { file: string; job: string } | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.disposables = [this.jobs, this.runs, this.log, this.tree, this.statusBar, this.runs.onDidChange(({ event }) => event && this.log.write(event))];
  }

  /** Runs a job after the checks a user expects: trusted workspace, saved and error-free config. */
  async runJob(file: string, job: string): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(RESTRICTED_MESSAGE);
      return;
    }
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (open?.isDirty) await open.save();
    this.jobs.refresh(file);
    const config = this.jobs.config(file);
    const model = config?.analysis.model;
    if (!config || !model || hasErrors(config.analysis.problems)) {
      const count = config?.analysis.problems.filter((p) => p.severity === 'error').length ?? 0;
      const choice = await vscode.window.showErrorMessage(
        `FastAsyncio: ${job} can't run: ${vscode.workspace.asRelativePath(file)} has ${count} error(s).`,
        'Show Problems',
      );
      if (choice === 'Show Problems') {
        await vscode.window.showTextDocument(vscode.Uri.file(file));
        await vscode.commands.executeCommand('workbench.actions.view.problems');
      }
      return;
    }
    this.lastRun = { file, job };
    const entry = model.jobs.find((j) => j.name === job);
    const run = this.runs.start(config, model.layout.root, job, entry?.maxConcurrency);
    this.log.channel.show(true);
    showRunProgress(this.runs, run);
    run.done?.catch((error: unknown) => {
      const message = error instanceof ConfigError || error instanceof JobNotFoundError ? error.message : String(error);
      void vscode.window.showErrorMessage(`FastAsyncio: ${message}`);
    });
  }

  dispose(): void {
    for (const d of this.disposables) void d.dispose();
  }
}
