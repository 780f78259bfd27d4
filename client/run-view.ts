import * as vscode from 'vscode';
import { ConfigReadError, readConfigText } from '../engine/config/read';
import type { RunEvent } from '../engine/run/events';
import { inspectRun } from '../engine/run/recorded-runs';
import { foldRecordedRun } from '../engine/view/from-record';
import type { ViewModel } from '../engine/view/model';
import { newNonce, renderPage } from '../engine/view/page';
import type { Ctx } from './ctx';
import { relativePaths } from './paths';
import { emptyModel, grantedMessage, jobKey, jobModelFromText, LiveRuns, Outbox, Picture } from './run-view-state';
import type { RunInfo } from './runs';
import { type JobRef, type RunRef, setShowJobGraph, setShowRun } from './show-run';

/**
 * The Run view: one webview panel per job of a config, which draws the job's task graph with the graph
 * app (engine/view), the job's live run over it (each event posted as it comes, folded by the app without
 * laying the graph out again), or a past run read from its record ("Show Run"). The app is inline in the
 * page, under a strict Content Security Policy with a nonce; the panel keeps no context while hidden: its
 * app says `ready` each time it starts and gets the whole picture then.
 */

export const RUN_VIEW_TYPE = 'fastasyncio.runView';

/** How long the job's structure must stay the same before its graph is drawn again (the server sends a change per analysis). */
const REBASE_DELAY_MS = 300;

/** Plugs the Run view into "Show Run" and "Show Job Graph" (show-run.ts); disposing unplugs it and closes its panels. */
export function registerRunView(ctx: Ctx): vscode.Disposable {
  const views = new RunViews(ctx);
  const report = (what: string) => (error: unknown) => {
    ctx.log.channel.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void vscode.window.showErrorMessage(`FastAsyncio: ${relativePaths(error instanceof Error ? error.message : String(error))}`);
  };
  return vscode.Disposable.from(
    views,
    setShowRun((run) => void views.showRun(run).catch(report('Show Run'))),
    setShowJobGraph((job) => void views.showJob(job).catch(report('Show Job Graph'))),
  );
}

class RunViews implements vscode.Disposable {
  private readonly panels = new Map<string, RunPanel>();
  private readonly live = new LiveRuns();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.disposables = [ctx.runs.onDidChange(({ run, event }) => this.onRun(run, event)), ctx.jobs.onDidChange(() => this.onJobs())];
  }

  /** A job's graph, with its live run when it has one; an open panel is only revealed. */
  async showJob(ref: JobRef): Promise<void> {
    const open = this.panels.get(jobKey(ref.configFile, ref.job));
    if (open) return open.reveal();
    const base = await this.jobModel(ref.configFile, ref.job);
    if (!base) throw new Error(`no job "${ref.job}" in ${ref.configFile}`);
    const panel = this.panelFor(ref, base);
    const live = this.live.latestOf(ref.configFile, ref.job);
    if (live && panel.picture.runId === undefined) panel.show(() => panel.picture.showLive(live));
    panel.reveal();
  }

  /** A run in its job's panel: live, it follows it; past, it is read from its record. */
  async showRun(ref: RunRef): Promise<void> {
    let panel = this.panels.get(jobKey(ref.configFile, ref.job));
    if (panel && panel.picture.runId === ref.runId) return panel.reveal();
    // A job no longer in its config is drawn from its run's plan alone.
    panel ??= this.panelFor(ref, (await this.jobModel(ref.configFile, ref.job)) ?? emptyModel(ref.job, ref.configFile || undefined));
    panel.reveal();
    const live = this.live.get(ref.runId);
    if (live) {
      const shown = panel;
      shown.show(() => shown.picture.showLive(live));
      return;
    }
    const claim = panel.picture.claim();
    const record = await inspectRun(ref.root, ref.runId);
    if (!record) throw new Error(`run ${ref.runId} of ${ref.job} has no record in ${ref.root}`);
    const folded = await foldRecordedRun(emptyModel(ref.job), record);
    // A run that started meanwhile (or a later "Show Run") took the panel over.
    if (panel.disposed || panel.picture.generation !== claim) return;
    const shown = panel;
    shown.show(() => shown.picture.show(record.started, folded.run));
  }

  private panelFor(ref: JobRef, base: ViewModel): RunPanel {
    const key = jobKey(ref.configFile, ref.job);
    // Another call may have opened it while this one read the config.
    const open = this.panels.get(key);
    if (open) return open;
    const panel = new RunPanel(ref, base, this.ctx.extension.extensionUri, this.signature(ref), () => this.panels.delete(key));
    this.panels.set(key, panel);
    return panel;
  }

  /**
   * The job's graph from its config: the open document's text (what the server analyses), else the
   * disk's, with the settings' task and handler folders. Undefined when the config has no such job.
   */
  private async jobModel(configFile: string, job: string): Promise<ViewModel | undefined> {
    if (!configFile) return undefined;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === configFile);
    let text: string;
    let invalidUtf8At: number | undefined;
    if (open) {
      text = open.getText();
    } else {
      try {
        ({ text, invalidUtf8At } = readConfigText(configFile));
      } catch (error) {
        if (error instanceof ConfigReadError) return undefined;
        throw error;
      }
    }
    const settings = await this.ctx.jobs.runSettings(configFile).catch(() => undefined);
    return jobModelFromText(text, configFile, job, { invalidUtf8At, defaults: settings && { taskDir: settings.taskDir, handlerDir: settings.handlerDir } });
  }

  private onRun(run: RunInfo, event: RunEvent | undefined): void {
    if (!event) {
      if (!run.controller && run.runId) this.live.end(run.runId);
      return;
    }
    this.live.apply(run, event);
    this.panels.get(jobKey(run.configFile, run.job))?.live(event);
  }

  /** What the server says of the job (its tasks, dependencies, modules, plan): it changed when this did. */
  private signature(ref: JobRef): string {
    const entry = this.ctx.jobs.jobs().find((e) => e.config.file === ref.configFile && e.job.name === ref.job);
    return entry ? JSON.stringify([entry.config.root, entry.job]) : '';
  }

  /** The configs changed: panels whose job's structure did draw its graph again (once the edits pause). */
  private onJobs(): void {
    for (const panel of this.panels.values()) {
      const signature = this.signature(panel.ref);
      if (signature === panel.signature) continue;
      panel.signature = signature;
      // Gone from the server's list (renamed, mid-edit): the panel keeps its last graph.
      if (signature === '') continue;
      panel.rebaseLater(REBASE_DELAY_MS, () => this.jobModel(panel.ref.configFile, panel.ref.job));
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }
}

class RunPanel implements vscode.Disposable {
  readonly picture: Picture;
  private readonly panel: vscode.WebviewPanel;
  private readonly outbox: Outbox;
  private readonly disposables: vscode.Disposable[];
  private rebaseTimer?: ReturnType<typeof setTimeout>;
  disposed = false;

  constructor(
    readonly ref: JobRef,
    base: ViewModel,
    extensionUri: vscode.Uri,
    /** The server's account of the job when the graph was last drawn (see `RunViews.signature`). */
    public signature: string,
    private readonly onDispose: () => void,
  ) {
    this.picture = new Picture(base);
    // Beside the config (the code lens) or whatever editor is active; the panel's own column otherwise.
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    this.panel = vscode.window.createWebviewPanel(RUN_VIEW_TYPE, `${ref.job} · Job Graph`, column, {
      enableScripts: true,
      // The app, its style sheet and the model are all in the page: nothing to load.
      localResourceRoots: [],
      enableFindWidget: true,
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'fastasyncio.svg');
    // No model in the page: the app asks for it (`ready`) each time it starts, and gets the current one.
    this.panel.webview.html = renderPage(undefined, { nonce: newNonce(), cspSource: this.panel.webview.cspSource, title: `${ref.job} · FastAsyncio` });
    this.outbox = new Outbox((message) => void this.panel.webview.postMessage(message));
    this.disposables = [
      this.outbox,
      this.panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)),
      // Hidden without `retainContextWhenHidden`, the app is gone: nothing to post until it is back.
      this.panel.onDidChangeViewState(({ webviewPanel }) => !webviewPanel.visible && this.outbox.lost()),
      this.panel.onDidDispose(() => this.dispose()),
    ];
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Replaces the picture (`change` does) and posts the whole of it. */
  show(change: () => void): void {
    change();
    this.outbox.replace(this.picture.model);
  }

  live(event: RunEvent): void {
    if (this.picture.live(event)) this.outbox.event(event);
  }

  rebaseLater(delayMs: number, jobModel: () => Promise<ViewModel | undefined>): void {
    clearTimeout(this.rebaseTimer);
    this.rebaseTimer = setTimeout(() => {
      jobModel().then(
        // A job gone from its config (renamed, mid-edit) keeps its last graph.
        (base) => base && !this.disposed && this.picture.rebase(base) && this.outbox.replace(this.picture.model),
        () => undefined,
      );
    }, delayMs);
  }

  private onMessage(value: unknown): void {
    const message = grantedMessage(value, this.picture.model);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.outbox.start(this.picture.model);
        break;
      case 'open-module':
        void this.open(vscode.Uri.file(message.path));
        break;
      case 'open-config': {
        const at = message.position && new vscode.Position(message.position.line, message.position.character);
        void this.open(vscode.Uri.file(message.file), at && new vscode.Range(at, at));
        break;
      }
      // The commands do what the tree's items and the end-of-run notification do.
      case 'rerun-failed':
        void vscode.commands.executeCommand('fastasyncio.rerunFailed', { runId: message.runId, configFile: this.ref.configFile, job: this.ref.job });
        break;
      case 'run-task':
        void vscode.commands.executeCommand('fastasyncio.runTask', {
          configFile: this.ref.configFile,
          job: this.ref.job,
          task: message.task,
          runId: message.runId,
        });
        break;
    }
  }

  /** Opens a file in another editor group than the panel's, so that the panel stays in view. */
  private async open(uri: vscode.Uri, selection?: vscode.Range): Promise<void> {
    const mine = this.panel.viewColumn;
    const other = vscode.window.visibleTextEditors.map((e) => e.viewColumn).find((c) => c !== undefined && c !== mine);
    const viewColumn = other ?? (mine === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
    try {
      const editor = await vscode.window.showTextDocument(uri, { viewColumn, selection });
      if (selection) editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (error) {
      void vscode.window.showErrorMessage(`FastAsyncio: cannot open ${relativePaths(uri.fsPath)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.rebaseTimer);
    this.onDispose();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}
