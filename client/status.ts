import * as vscode from 'vscode';
import { runEndActions, runOutcome } from './run-outcome';
import type { RunController, RunInfo } from './runs';
import type { RunRef } from './show-run';

/** The status bar item's command once a run has ended: shows that run and puts the item away. */
const OPEN_RESULT = 'fastasyncio.openRunResult';

/** A run as the commands take it (only its reference: its controller and state stay here). */
export function runRef(run: RunInfo): RunRef {
  return { runId: run.runId, configFile: run.configFile, root: run.root, job: run.job };
}

/**
 * A status bar item: while runs go, the latest (`job1 3/5`), which shows the log when clicked; once the
 * last one has ended, how it ended (`job1 failed`), which stays until the next run or a click (that
 * shows the run).
 */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('fastasyncio.run', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[];
  /** The run that ended last, shown while no run goes. */
  private result: RunInfo | undefined;

  constructor(private readonly runs: RunController) {
    this.item.name = 'FastAsyncio Run';
    this.disposables = [
      this.item,
      runs.onDidChange(({ run }) => this.update(run)),
      // Not declared in package.json: the item's own click, with nothing to offer in the palette.
      vscode.commands.registerCommand(OPEN_RESULT, () => this.openResult()),
    ];
  }

  private update(changed: RunInfo): void {
    const active = this.runs.active();
    if (active.length > 0) {
      this.result = undefined;
      this.showRunning(active);
      return;
    }
    // No run goes: the one that changed has just ended. A run that never started (its config could not
    // run) leaves nothing to show.
    this.result = changed.state.finished && changed.runId ? changed : undefined;
    if (this.result) this.showResult(this.result);
    else this.item.hide();
  }

  private showRunning(active: RunInfo[]): void {
    const run = active.at(-1)!;
    const total = run.state.started?.tasks.length ?? 0;
    this.item.text = `$(sync~spin) ${run.job} ${run.state.ended}/${total}${active.length > 1 ? ` (+${active.length - 1})` : ''}`;
    this.item.tooltip = `FastAsyncio: ${run.job} is running (${run.runId}). Click to show its log.`;
    this.item.command = 'fastasyncio.showRunLog';
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  private showResult(run: RunInfo): void {
    const outcome = runOutcome(run.state);
    this.item.text = outcome.statusText;
    this.item.tooltip = `FastAsyncio: ${outcome.message} (${run.runId}). Click to show the run.`;
    this.item.command = OPEN_RESULT;
    this.item.backgroundColor = outcome.failed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  private async openResult(): Promise<void> {
    const run = this.result;
    this.result = undefined;
    this.item.hide();
    if (run) await vscode.commands.executeCommand('fastasyncio.showRun', runRef(run));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * A progress notification for a run, with a cancel button that really stops it. It shows from the run's
 * first event: a re-run the engine refuses never flashes one before the refusal says why.
 */
export function showRunProgress(runs: RunController, run: RunInfo): void {
  const started = runs.onDidChange(({ run: changed }) => {
    if (changed !== run || !run.runId) return;
    started.dispose();
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `FastAsyncio: ${run.job}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => runs.cancel(run));
        let reported = 0;
        const report = () => {
          const total = run.state.started?.tasks.length ?? 0;
          const percent = total ? (run.state.ended / total) * 100 : 0;
          progress.report({ message: `${run.state.ended}/${total} tasks`, increment: percent - reported });
          reported = percent;
        };
        report();
        const subscription = runs.onDidChange(({ run: changed }) => {
          if (changed === run) report();
        });
        try {
          await run.done?.catch(() => undefined);
        } finally {
          subscription.dispose();
        }
      },
    );
  });
  // A run refused before its first event never shows one.
  const stop = (): void => void started.dispose();
  void run.done?.then(stop, stop);
}

function showMessage(severity: 'info' | 'warning' | 'error', message: string, actions: string[]): Thenable<string | undefined> {
  switch (severity) {
    case 'info':
      return vscode.window.showInformationMessage(message, ...actions);
    case 'warning':
      return vscode.window.showWarningMessage(message, ...actions);
    case 'error':
      return vscode.window.showErrorMessage(message, ...actions);
  }
}

/**
 * When a run has ended: a notification of how (`job1 succeeded in 3.10s`, `job1 failed: Task3`,
 * `job1 cancelled`) with "Show Run", "Show Log", when it failed "Re-run", and when it failed or was
 * cancelled "Re-run Failed" (run-outcome.ts: `runEndActions`).
 */
export async function notifyRunEnd(run: RunInfo): Promise<void> {
  if (!run.state.finished || !run.runId) return;
  const outcome = runOutcome(run.state);
  const choice = await showMessage(outcome.severity, `FastAsyncio: ${outcome.message}`, runEndActions(run.state));
  switch (choice) {
    case 'Show Run':
      await vscode.commands.executeCommand('fastasyncio.showRun', runRef(run));
      break;
    case 'Show Log':
      await vscode.commands.executeCommand('fastasyncio.showRunLog');
      break;
    case 'Re-run':
      await vscode.commands.executeCommand('fastasyncio.rerun', runRef(run));
      break;
    case 'Re-run Failed':
      await vscode.commands.executeCommand('fastasyncio.rerunFailed', runRef(run));
      break;
  }
}
