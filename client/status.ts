import * as vscode from 'vscode';
import type { RunController, RunInfo } from './runs';

/** While runs go: a status bar item (`job1 3/5`) for the latest, which shows the log when clicked. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('fastasyncio.run', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(runs: RunController) {
    this.item.name = 'FastAsyncio Run';
    this.item.command = 'fastasyncio.showRunLog';
    this.subscription = runs.onDidChange(() => this.update(runs.active()));
  }

  private update(active: RunInfo[]): void {
    const run = active.at(-1);
    if (!run) {
      this.item.hide();
      return;
    }
    const total = run.state.started?.tasks.length ?? 0;
    this.item.text = `$(sync~spin) ${run.job} ${run.state.ended}/${total}${active.length > 1 ? ` (+${active.length - 1})` : ''}`;
    this.item.tooltip = `FastAsyncio: ${run.job} is running (${run.runId}). Click to show its log.`;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

/** A progress notification for a run, with a cancel button that really stops it. */
export function showRunProgress(runs: RunController, run: RunInfo): void {
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `FastAsyncio: ${run.job}`, cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => runs.cancel(run));
      let reported = 0;
      const subscription = runs.onDidChange(({ run: changed }) => {
        if (changed !== run) return;
        const total = run.state.started?.tasks.length ?? 0;
        const percent = total ? (run.state.ended / total) * 100 : 0;
        progress.report({ message: `${run.state.ended}/${total} tasks`, increment: percent - reported });
        reported = percent;
      });
      try {
        await run.done;
      } finally {
        subscription.dispose();
      }
    },
  );
}
