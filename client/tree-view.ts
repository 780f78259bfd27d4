import * as vscode from 'vscode';
import { formatDuration } from '../engine/run/describe';
import type { PlannedStage, RunStatus, TaskStatus } from '../engine/run/events';
import { recordFile } from '../engine/run/records';
import type { JobEntry, JobIndex } from './jobs';
import { relativePaths } from './paths';
import { offersRerunFailed } from './reruns';
import { type RunController, type RunInfo, runningElsewhere } from './runs';
import { TaskErrors, taskTooltip } from './task-errors';
import { taskDescription } from './task-item';
import { effectiveConcurrency, plannedTaskDescription, runItemId, stageDescription } from './tree-items';

/**
 * The tree's nodes. A job without runs shows its plan: its stages and tasks without a run (`run`
 * undefined), as the server analysed the config.
 */
export type Node =
  | { kind: 'job'; id: string; entry: JobEntry }
  | { kind: 'run'; id: string; entry: JobEntry; run: RunInfo; latest: boolean }
  | { kind: 'stage'; id: string; entry: JobEntry; run?: RunInfo; stage: PlannedStage }
  | { kind: 'task'; id: string; entry: JobEntry; run?: RunInfo; task: string };

const ICONS: Record<TaskStatus | RunStatus, [string, string?]> = {
  pending: ['circle-outline'],
  running: ['sync~spin', 'charts.blue'],
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  timedOut: ['watch', 'testing.iconFailed'],
  skipped: ['debug-step-over', 'disabledForeground'],
  cancelled: ['circle-slash', 'testing.iconSkipped'],
  interrupted: ['debug-disconnect', 'testing.iconFailed'],
};

function icon(status: TaskStatus | RunStatus): vscode.ThemeIcon {
  const [id, color] = ICONS[status];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

const jobId = (entry: JobEntry) => `job:${entry.config.file}#${entry.job.name}`;
/** Stages and tasks are a run's, else the job's plan's. */
const stageId = (entry: JobEntry, run: RunInfo | undefined, index: number) => `stage:${run ? run.runId : jobId(entry)}:${index}`;
const taskId = (entry: JobEntry, run: RunInfo | undefined, task: string) => `task:${run ? run.runId : jobId(entry)}:${task}`;

/** A job's tooltip lists this many stages of its plan at most. */
const MAX_TOOLTIP_STAGES = 12;

/** A stage's status: running if any task runs, failed if any failed, succeeded when all did. */
function stageStatus(run: RunInfo, stage: PlannedStage): TaskStatus {
  const statuses = stage.tasks.map((t) => run.state.tasks[t]?.status ?? 'pending');
  for (const s of ['running', 'failed', 'timedOut', 'cancelled', 'skipped', 'pending'] as const) if (statuses.includes(s)) return s;
  return 'succeeded';
}

/**
 * The "FastAsyncio" view: each job; under it its runs (live, then recorded: as many as
 * `fastasyncio.keepRuns` keeps), the newest expanded; under a run its stages (which tasks run together,
 * which wait for which); under a stage its tasks with a live status. A job that has not run shows its
 * plan's stages and tasks.
 */
export class JobsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, Node>();
  private readonly pending = new Set<Node | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Failed tasks' errors with their stacks, read from the run records for tooltips. */
  private readonly errors = new TaskErrors();
  /** The ids of the jobs the tree last listed; undefined until it has listed them once. */
  private shown: string | undefined;

  constructor(
    private readonly jobs: JobIndex,
    private readonly runs: RunController,
  ) {
    jobs.onDidChange(() => this.jobsChanged(), this, this.disposables);
    runs.onDidChange(
      ({ run, event }) => {
        const job = this.nodes.get(`job:${run.configFile}#${run.job}`);
        const runNode = this.nodes.get(`run:${run.runId}`);
        // A new run appears under its job; an event of a known run refreshes that run only.
        this.refresh(runNode && event?.type !== 'run-started' ? runNode : job);
      },
      this,
      this.disposables,
    );
  }

  /**
   * Jobs that appear, go or are renamed redraw the whole tree; a job whose config changed otherwise
   * redraws alone (a whole redraw while the view fetches the runs of expanded jobs makes it ask for
   * jobs it no longer knows).
   */
  private jobsChanged(): void {
    // Not listed yet: the first listing waits for the jobs and shows them all.
    if (this.shown === undefined) return;
    const entries = this.jobs.jobs();
    if (entries.map(jobId).join('\n') !== this.shown) {
      this.refresh(undefined);
      return;
    }
    for (const entry of entries) {
      const node = this.nodes.get(jobId(entry));
      if (node?.kind !== 'job' || node.entry.config === entry.config) continue;
      node.entry = entry;
      this.refresh(node);
    }
  }

  /** Refreshes are batched: a run of 10,000 tasks must not redraw the tree 20,000 times. */
  private refresh(node: Node | undefined): void {
    this.pending.add(node);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const all = this.pending.has(undefined);
      for (const n of all ? [undefined] : this.pending) this.changed.fire(n);
      this.pending.clear();
    }, 100);
  }

  private keep<T extends Node>(node: T): T {
    const known = this.nodes.get(node.id) as T | undefined;
    if (known) {
      Object.assign(known, node);
      return known;
    }
    this.nodes.set(node.id, node);
    return node;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      // A full refresh: forget nodes of runs that may no longer be listed.
      this.nodes.clear();
      await this.jobs.ready();
      const entries = this.jobs.jobs();
      this.shown = entries.map(jobId).join('\n');
      return entries.map((entry) => this.keep({ kind: 'job', id: jobId(entry), entry }));
    }
    const { entry } = node;
    switch (node.kind) {
      case 'job': {
        const runs = await this.runs.runsOf(entry.config.root, entry.config.file, entry.job.name, entry.config.run.keepRuns);
        if (runs.length === 0) return entry.job.stages.map((stage) => this.keep({ kind: 'stage', id: stageId(entry, undefined, stage.index), entry, stage }));
        return runs.map((run, i) => this.keep({ kind: 'run', id: `run:${run.runId}`, entry, run, latest: i === 0 }));
      }
      case 'run':
        return (node.run.state.started?.stages ?? []).map((stage) =>
          this.keep({ kind: 'stage', id: stageId(entry, node.run, stage.index), entry, run: node.run, stage }),
        );
      case 'stage':
        return node.stage.tasks.map((task) => this.keep({ kind: 'task', id: taskId(entry, node.run, task), entry, run: node.run, task }));
      case 'task':
        return [];
    }
  }

  /** The tooltip of a failed task: its error's message and stack (a Python traceback, a JavaScript stack). */
  async resolveTreeItem(item: vscode.TreeItem, node: Node): Promise<vscode.TreeItem> {
    if (node.kind !== 'task' || !node.run || item.tooltip !== undefined) return item;
    const summary = node.run.state.tasks[node.task];
    if (!summary) return item;
    const recorded = await this.errors.get(recordFile(node.run.root, node.run.runId), node.task);
    const error = recorded ?? (summary.error === undefined ? undefined : { message: summary.error });
    item.tooltip = new vscode.MarkdownString(taskTooltip(node.task, summary.status, error, summary.worker));
    return item;
  }

  getParent(node: Node): Node | undefined {
    switch (node.kind) {
      case 'job':
        return undefined;
      case 'run':
        return this.nodes.get(jobId(node.entry));
      case 'stage':
        return this.nodes.get(node.run ? `run:${node.run.runId}` : jobId(node.entry));
      case 'task': {
        const stages = node.run ? node.run.state.started?.stages : node.entry.job.stages;
        const stage = stages?.find((s) => s.tasks.includes(node.task));
        return stage && this.nodes.get(stageId(node.entry, node.run, stage.index));
      }
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'job':
        return this.jobItem(node.entry);
      case 'run':
        return this.runItem(node.run, node.latest);
      case 'stage':
        return this.stageItem(node.entry, node.run, node.stage);
      case 'task':
        return this.taskItem(node.entry, node.run, node.task);
    }
  }

  /** A job as the server analysed it: its config, the errors that keep it from running, its plan in the tooltip. */
  private jobItem(entry: JobEntry): vscode.TreeItem {
    const { job, config } = entry;
    const item = new vscode.TreeItem(job.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = jobId(entry);
    const shown = relativePaths(config.file);
    item.description = job.errors > 0 ? `${shown} · ${job.errors} error(s)` : shown;
    const stages = job.stages
      .slice(0, MAX_TOOLTIP_STAGES)
      .map((s) => `Stage ${s.index}${s.after.length ? ` (after ${s.after.join(', ')})` : ''}: ${s.tasks.join(', ')}`);
    if (job.stages.length > MAX_TOOLTIP_STAGES) stages.push(`… ${job.stages.length - MAX_TOOLTIP_STAGES} more stages`);
    if (job.unreachable.length)
      stages.push(`Never run (in or behind a cycle): ${job.unreachable.slice(0, 20).join(', ')}${job.unreachable.length > 20 ? ', …' : ''}`);
    const summary = `${job.tasks.length} tasks in ${job.stages.length} stages · handler ${job.handler}`;
    item.tooltip = [...(job.description ? [job.description] : []), summary, ...stages].join('\n');
    item.iconPath =
      job.errors > 0 ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('type-hierarchy');
    item.contextValue = 'job';
    return item;
  }

  /** The newest run of a job is open; older ones are folded (their items take another id: see runItemId). */
  private runItem(run: RunInfo, latest: boolean): vscode.TreeItem {
    const started = run.state.started ? new Date(run.state.started.time) : undefined;
    const state = latest ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(`Run ${started ? started.toLocaleTimeString() : ''}`.trim(), state);
    item.id = runItemId(run.runId, latest);
    const total = run.state.started?.tasks.length ?? 0;
    // A run interrupted (its process gone without finishing it) has ended: its status says so and its error why.
    item.description = run.state.finished
      ? `${run.state.status} · ${formatDuration(run.state.durationMs)}`
      : `${runningElsewhere(run) ? 'running elsewhere' : 'running'} · ${run.state.ended}/${total}`;
    const rerunOf = run.state.started?.rerun?.from;
    item.tooltip = [run.runId, ...(rerunOf ? [`Re-run of ${rerunOf}`] : []), ...(run.state.error ? [run.state.error] : [])].join('\n');
    item.iconPath = icon(run.state.status);
    // A run that failed or was cancelled also offers "Re-run Failed".
    item.contextValue = run.controller ? 'run.live' : offersRerunFailed(run.state) ? 'run.done.rerunFailed' : 'run.done';
    return item;
  }

  /**
   * A stage: what it waits for, and how many of its tasks run at once: a run's own limit, else (the
   * plan) the job's `maxConcurrency` or the `fastasyncio.defaultConcurrency` setting.
   */
  private stageItem(entry: JobEntry, run: RunInfo | undefined, stage: PlannedStage): vscode.TreeItem {
    const item = new vscode.TreeItem(
      `Stage ${stage.index}${stage.after.length ? ` · after ${stage.after.join(', ')}` : ''}`,
      vscode.TreeItemCollapsibleState.Expanded,
    );
    item.id = stageId(entry, run, stage.index);
    const concurrency = run ? run.state.started?.concurrency : effectiveConcurrency(entry.job.maxConcurrency, entry.config.run.defaultConcurrency);
    item.description = stageDescription(stage.tasks.length, concurrency);
    item.iconPath = icon(run ? stageStatus(run, stage) : 'pending');
    item.contextValue = 'stage';
    return item;
  }

  private taskItem(entry: JobEntry, run: RunInfo | undefined, task: string): vscode.TreeItem {
    const item = new vscode.TreeItem(task, vscode.TreeItemCollapsibleState.None);
    item.id = taskId(entry, run, task);
    if (run) {
      // An interrupted run's record is completed when it is read: no task of it is left spinning.
      const summary = run.state.tasks[task] ?? { status: 'pending', attempts: 0, durationMs: 0 };
      item.description = taskDescription(summary);
      item.iconPath = icon(summary.status);
      // A failed task's tooltip (with its stack, read from the record) is made when it is shown: resolveTreeItem.
      if (!summary.error) item.tooltip = new vscode.MarkdownString(taskTooltip(task, summary.status, undefined, summary.worker, summary.reused));
    } else {
      // The plan: what the task waits for.
      item.description = plannedTaskDescription(entry.job.tasks.find((t) => t.id === task)?.dependencies ?? []);
      item.iconPath = icon('pending');
    }
    item.contextValue = 'task';
    const module = entry.job.tasks.find((t) => t.id === task)?.module;
    if (module) item.command = { command: 'vscode.open', title: 'Open Task Module', arguments: [vscode.Uri.file(module)] };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) void d.dispose();
  }
}
