import * as vscode from 'vscode';
import { hasErrors } from '../engine/analysis/analyze';
import { type ReadConfig, readConfigFile } from '../engine/config/read';
import type { JobModel } from '../engine/config/types';
import { CONFIG_GLOBS } from '../server/protocol';
import { configGlobs, layoutDefaults } from './settings';

export interface JobEntry {
  job: JobModel;
  config: ReadConfig;
  hasErrors: boolean;
}

/**
 * The job configs of the workspace and their analyses (the engine's, pure: no workspace code runs).
 * Kept fresh by a file watcher; `onDidChange` fires after each change.
 */
export class JobIndex implements vscode.Disposable {
  private readonly configs = new Map<string, ReadConfig>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private scanned: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    for (const glob of this.globs()) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      watcher.onDidCreate((uri) => this.refresh(uri.fsPath), this, this.disposables);
      watcher.onDidChange((uri) => this.refresh(uri.fsPath), this, this.disposables);
      watcher.onDidDelete((uri) => this.forget(uri.fsPath), this, this.disposables);
      this.disposables.push(watcher);
    }
    // Task and handler modules decide missing-task errors: re-read the configs when they change.
    const modules = vscode.workspace.createFileSystemWatcher('**/*.{ts,js,mjs,cjs,py}', false, true, false);
    modules.onDidCreate(() => this.refreshSoon(), this, this.disposables);
    modules.onDidDelete(() => this.refreshSoon(), this, this.disposables);
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('fastasyncio') && this.refreshSoon()));
    this.disposables.push(modules);
  }

  private globs(): string[] {
    return [...CONFIG_GLOBS, ...configGlobs()];
  }

  /** Finds every config in the workspace (once; later calls wait for the same scan). */
  ready(): Promise<void> {
    this.scanned ??= (async () => {
      const found = await Promise.all(this.globs().map((g) => vscode.workspace.findFiles(g, '{**/node_modules/**,**/.git/**,**/dist/**}')));
      for (const uri of found.flat()) this.read(uri.fsPath);
      this.changed.fire();
    })();
    return this.scanned;
  }

  private read(file: string): void {
    try {
      this.configs.set(file, readConfigFile(file, layoutDefaults(file)));
    } catch {
      this.configs.delete(file);
    }
  }

  refresh(file: string): void {
    this.read(file);
    this.changed.fire();
  }

  /** A `git checkout` creates hundreds of files at once: one re-analysis for the lot. */
  private refreshSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refreshAll(), 300);
  }

  refreshAll(): void {
    for (const file of [...this.configs.keys()]) this.read(file);
    this.changed.fire();
  }

  private forget(file: string): void {
    this.configs.delete(file);
    this.changed.fire();
  }

  /** Every job of every config, configs in path order. */
  jobs(): JobEntry[] {
    return [...this.configs.values()]
      .sort((a, b) => a.file.localeCompare(b.file))
      .flatMap((config) => (config.analysis.model?.jobs ?? []).map((job) => ({ job, config, hasErrors: hasErrors(config.analysis.problems) })));
  }

  config(file: string): ReadConfig | undefined {
    return this.configs.get(file);
  }

  find(file: string, job: string): JobEntry | undefined {
    return this.jobs().find((e) => e.config.file === file && e.job.name === job);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) void d.dispose();
  }
}
