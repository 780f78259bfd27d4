import * as vscode from 'vscode';
import { locateAll } from '../engine/config/json-scan';
import { LineIndex } from '../engine/config/text';
import { Commands, type RunJobArguments } from '../server/protocol';
import { type Ctx, refuseUntrusted } from './ctx';
import type { JobEntry } from './jobs';
import { relativePaths } from './paths';
import { offersRerunFailed, rerunFailedRequest, runTaskRequest } from './reruns';
import type { RunInfo } from './runs';
import { setUpProjectCommand } from './set-up-project';
import { type JobRef, type RunRef, showJobGraphWithHook, showRunWithHook } from './show-run';
import type { Node } from './tree-view';

type Handler = (...args: unknown[]) => unknown;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'kind' in value && 'entry' in value;
}

function isRunArguments(value: unknown): value is RunJobArguments {
  return (
    typeof value === 'object' && value !== null && typeof (value as RunJobArguments).uri === 'string' && typeof (value as RunJobArguments).job === 'string'
  );
}

/** A run given by reference (the end-of-run notification, the status bar, another extension): `root` and `job` may be left out. */
function isRunRef(value: unknown): value is Pick<RunRef, 'runId' | 'configFile'> & Partial<RunRef> {
  return typeof value === 'object' && value !== null && typeof (value as RunRef).runId === 'string' && typeof (value as RunRef).configFile === 'string';
}

function isJobRef(value: unknown): value is JobRef {
  return typeof value === 'object' && value !== null && typeof (value as JobRef).configFile === 'string' && typeof (value as JobRef).job === 'string';
}

/** A task given by reference (the Run view): of a job, and of one of its runs when `runId` is set. */
export interface TaskRef extends JobRef {
  task: string;
  runId?: string;
}

function isTaskRef(value: unknown): value is TaskRef {
  const runId = (value as TaskRef | undefined)?.runId;
  return isJobRef(value) && typeof (value as TaskRef).task === 'string' && (runId === undefined || typeof runId === 'string');
}

/**
 * What "Run Task" runs: the task, with its dependencies' results from the run it was picked in when that
 * run has ended, else (the job's plan, a run still going) from the latest run where they succeeded.
 */
function taskToRun(arg: unknown): { file: string; job: string; task: string; runId?: string } | undefined {
  if (isNode(arg)) {
    if (arg.kind !== 'task') return undefined;
    const run = arg.run?.state.finished ? arg.run.runId : undefined;
    return { file: arg.entry.config.file, job: arg.entry.job.name, task: arg.task, runId: run };
  }
  return isTaskRef(arg) ? { file: arg.configFile, job: arg.job, task: arg.task, runId: arg.runId } : undefined;
}

/** The run a command was given: a run item of the tree (or one of its stages or tasks), or a reference to one. */
async function runOf(ctx: Ctx, arg: unknown): Promise<RunInfo | undefined> {
  if (isNode(arg)) return arg.kind === 'job' ? undefined : arg.run;
  if (!isRunRef(arg)) return undefined;
  const live = ctx.runs.get(arg.runId);
  if (live) return live;
  const root = arg.root ?? ctx.jobs.all().find((c) => c.file === arg.configFile)?.root;
  return root === undefined ? undefined : ctx.runs.find(root, arg.runId);
}

/** A run's log: the output channel while it goes; once it has ended, its record replayed with each event's time. */
async function showLogOf(ctx: Ctx, run: RunInfo): Promise<void> {
  if (run.controller) {
    ctx.log.channel.show(true);
    return;
  }
  await ctx.log.showRecorded(run.runId, (onEvent) => ctx.runs.replay(run, onEvent));
}

interface JobItem extends vscode.QuickPickItem {
  entry: JobEntry;
}

function jobItem(entry: JobEntry): JobItem {
  const { job } = entry;
  return {
    label: job.name,
    description: relativePaths(entry.config.file),
    detail:
      job.errors > 0
        ? `$(warning) ${job.errors} error(s) keep this job from running: fix them first`
        : `$(play) ${job.tasks.length} tasks in ${job.stages.length} stages${job.description ? ` · ${job.description}` : ''}`,
    entry,
  };
}

/**
 * Asks which job to run: every job of every config, with its config and whether errors stop it. The
 * list follows the server while it is open (a config just saved or found shows up).
 */
async function pickJob(ctx: Ctx, title = 'FastAsyncio: Run Job', placeholder = 'Pick a job to run'): Promise<JobEntry | undefined> {
  await ctx.jobs.ready();
  if (ctx.jobs.jobs().length === 0) {
    const why = ctx.jobs.unavailable ?? 'no job configs (job_config.json or *.job.json) in this workspace';
    void vscode.window.showInformationMessage(`FastAsyncio: ${why}.`);
    return undefined;
  }
  const pick = vscode.window.createQuickPick<JobItem>();
  pick.title = title;
  pick.placeholder = placeholder;
  pick.matchOnDescription = true;
  pick.items = ctx.jobs.jobs().map(jobItem);
  const disposables = [pick, ctx.jobs.onDidChange(() => (pick.items = ctx.jobs.jobs().map(jobItem)))];
  try {
    return await new Promise<JobEntry | undefined>((resolve) => {
      disposables.push(
        pick.onDidAccept(() => {
          resolve(pick.selectedItems[0]?.entry);
          pick.hide();
        }),
        pick.onDidHide(() => resolve(undefined)),
      );
      pick.show();
    });
  } finally {
    for (const d of disposables) d.dispose();
  }
}

async function pickRun(runs: RunInfo[], title: string): Promise<RunInfo | undefined> {
  if (runs.length <= 1) return runs[0];
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: run.job, description: run.runId, run })),
    { title },
  );
  return picked?.run;
}

async function reveal(entry: JobEntry, taskId?: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(entry.config.file);
  const task = taskId === undefined ? undefined : entry.job.tasks.find((t) => t.id === taskId);
  const jsonPath = task ? ['jobs', entry.job.index, 'tasks', task.index, 'name'] : ['jobs', entry.job.index, 'name'];
  const text = document.getText();
  const [span] = locateAll(text, [jsonPath]);
  const lines = new LineIndex(text);
  const range = span ? lines.range(span.valueStart, span.valueEnd) : lines.range(0, 0);
  const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
  await vscode.window.showTextDocument(document, { selection });
}

/** Every command, as `(ctx) => handler`, registered from this one table. */
export const COMMANDS: Record<string, (ctx: Ctx) => Handler> = {
  [Commands.runJob]: (ctx) => async (arg?: unknown) => {
    if (!vscode.workspace.isTrusted) {
      void refuseUntrusted();
      return;
    }
    if (isRunArguments(arg)) {
      await ctx.runJob(vscode.Uri.parse(arg.uri).fsPath, arg.job);
      return;
    }
    const entry = isNode(arg) ? arg.entry : await pickJob(ctx);
    if (entry) await ctx.runJob(entry.config.file, entry.job.name);
  },

  'fastasyncio.cancelRun': (ctx) => async (arg?: unknown) => {
    const run = isNode(arg) && arg.kind === 'run' ? arg.run : await pickRun(ctx.runs.active(), 'Cancel which run?');
    if (!run?.controller) {
      void vscode.window.showInformationMessage('FastAsyncio: no job is running.');
      return;
    }
    ctx.runs.cancel(run);
  },

  'fastasyncio.rerun': (ctx) => async (arg?: unknown) => {
    const target = isNode(arg)
      ? { file: arg.entry.config.file, job: arg.entry.job.name }
      : isJobRef(arg)
        ? { file: arg.configFile, job: arg.job }
        : ctx.lastRun;
    if (!target) {
      void vscode.window.showInformationMessage('FastAsyncio: nothing to re-run yet.');
      return;
    }
    await ctx.runJob(target.file, target.job);
  },

  // The run's failed, skipped and cancelled tasks again; what succeeded there is reused.
  'fastasyncio.rerunFailed': (ctx) => async (arg?: unknown) => {
    const run = arg === undefined ? ctx.runs.latest() : await runOf(ctx, arg);
    if (!run?.runId || !offersRerunFailed(run.state)) {
      void vscode.window.showInformationMessage('FastAsyncio: Re-run Failed needs a run that failed or was cancelled.');
      return;
    }
    await ctx.runJob(run.configFile, run.job, { rerun: rerunFailedRequest(run.runId) });
  },

  // One task with real inputs: its dependencies' results from a recorded run.
  'fastasyncio.runTask': (ctx) => async (arg?: unknown) => {
    const target = taskToRun(arg);
    if (!target) {
      void vscode.window.showInformationMessage('FastAsyncio: pick a task in the FastAsyncio view or the Run view to run it.');
      return;
    }
    await ctx.runJob(target.file, target.job, { rerun: runTaskRequest(target.task, target.runId) });
  },

  // A job under the debugger: the run waits for it, and breakpoints in task modules stop there.
  'fastasyncio.debugJob': (ctx) => async (arg?: unknown) => {
    if (!vscode.workspace.isTrusted) {
      void refuseUntrusted();
      return;
    }
    let target: { file: string; job: string } | undefined;
    if (isRunArguments(arg)) target = { file: vscode.Uri.parse(arg.uri).fsPath, job: arg.job };
    else if (isNode(arg)) target = { file: arg.entry.config.file, job: arg.entry.job.name };
    else if (isJobRef(arg)) target = { file: arg.configFile, job: arg.job };
    else {
      const entry = await pickJob(ctx, 'FastAsyncio: Debug Job', 'Pick a job to debug');
      target = entry && { file: entry.config.file, job: entry.job.name };
    }
    if (target) await ctx.runJob(target.file, target.job, { debug: true });
  },

  // Without a run: the output channel. A past run: its record, each line with its event's time.
  'fastasyncio.showRunLog': (ctx) => async (arg?: unknown) => {
    const run = await runOf(ctx, arg);
    if (run) await showLogOf(ctx, run);
    else ctx.log.channel.show(true);
  },

  // A run's picture, by the run view when one is plugged in (show-run.ts); until then, its log.
  'fastasyncio.showRun': (ctx) => async (arg?: unknown) => {
    const run = arg === undefined ? ctx.runs.latest() : await runOf(ctx, arg);
    if (!run?.runId) {
      const why = arg === undefined ? 'no run in this window yet: pick a past run in the FastAsyncio view' : 'that run has no record';
      void vscode.window.showInformationMessage(`FastAsyncio: ${why}.`);
      return;
    }
    if (!showRunWithHook(run)) await showLogOf(ctx, run);
  },

  // A job's graph, by the graph view when one is plugged in (show-run.ts).
  'fastasyncio.showJobGraph': (ctx) => async (arg?: unknown) => {
    let job: JobRef | undefined;
    if (isNode(arg)) job = { configFile: arg.entry.config.file, job: arg.entry.job.name };
    else if (isRunArguments(arg)) job = { configFile: vscode.Uri.parse(arg.uri).fsPath, job: arg.job };
    else if (isJobRef(arg)) job = { configFile: arg.configFile, job: arg.job };
    else {
      const entry = await pickJob(ctx, 'FastAsyncio: Show Job Graph', 'Pick a job to show');
      job = entry && { configFile: entry.config.file, job: entry.job.name };
    }
    if (job && !showJobGraphWithHook(job)) void vscode.window.showInformationMessage(`FastAsyncio: the graph view is not available (${job.job}).`);
  },

  'fastasyncio.validateWorkspace': (ctx) => async () => {
    // The server finds and checks every config again, and publishes their problems.
    await ctx.jobs.load(true);
    if (ctx.jobs.unavailable) {
      void vscode.window.showWarningMessage(`FastAsyncio: ${ctx.jobs.unavailable}.`);
      return;
    }
    const configs = ctx.jobs.all();
    const errors = configs.reduce((n, c) => n + c.problems.errors, 0);
    const warnings = configs.reduce((n, c) => n + c.problems.warnings, 0);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showInformationMessage(`FastAsyncio: ${configs.length} config(s) checked: ${errors} error(s), ${warnings} warning(s).`);
  },

  'fastasyncio.revealInConfig': () => async (arg?: unknown) => {
    if (isNode(arg)) await reveal(arg.entry, arg.kind === 'task' ? arg.task : undefined);
  },

  'fastasyncio.openTaskModule': () => async (arg?: unknown) => {
    if (!isNode(arg) || arg.kind !== 'task') return;
    const module = arg.entry.job.tasks.find((t) => t.id === arg.task)?.module;
    if (module) await vscode.window.showTextDocument(vscode.Uri.file(module));
    else void vscode.window.showWarningMessage(`FastAsyncio: ${arg.task} has no module in ${relativePaths(arg.entry.config.taskDir)}.`);
  },

  // Only writes files in the project (it runs nothing), so Restricted Mode allows it.
  'fastasyncio.setUpProject': (ctx) => (arg?: unknown) => setUpProjectCommand(ctx, arg),
};

/** Registers the table; a command that throws is reported in one line and logged with its stack. */
export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => {
    const handler = factory(ctx);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        ctx.log.channel.error(`${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        void vscode.window.showErrorMessage(`FastAsyncio: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    });
  });
}
