import * as path from 'node:path';
import * as vscode from 'vscode';
import { locateAll } from '../engine/config/json-scan';
import { LineIndex } from '../engine/config/text';
import { Commands, type RunJobArguments } from '../server/protocol';
import { type Ctx, RESTRICTED_MESSAGE } from './ctx';
import type { JobEntry } from './jobs';
import type { RunInfo } from './runs';
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

/** Asks which job to run: every job of every config, with its config and whether it has errors. */
async function pickJob(ctx: Ctx): Promise<JobEntry | undefined> {
  await ctx.jobs.ready();
  const entries = ctx.jobs.jobs();
  if (entries.length === 0) {
    void vscode.window.showInformationMessage('FastAsyncio: no job configs (job_config.json or *.job.json) in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    entries.map((entry) => ({
      label: entry.job.name,
      description: vscode.workspace.asRelativePath(entry.config.file),
      detail: entry.hasErrors
        ? '$(warning) The config has errors: fix them to run this job'
        : `$(play) ${entry.job.tasks.length} tasks${entry.job.description ? ` · ${entry.job.description}` : ''}`,
      entry,
    })),
    { title: 'FastAsyncio: Run Job', placeHolder: 'Pick a job to run', matchOnDescription: true },
  );
  return picked?.entry;
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
      void vscode.window.showWarningMessage(RESTRICTED_MESSAGE);
      return;
    }
    let entry: JobEntry | undefined;
    if (isRunArguments(arg)) {
      await ctx.jobs.ready();
      entry = ctx.jobs.find(vscode.Uri.parse(arg.uri).fsPath, arg.job);
    } else if (isNode(arg)) {
      entry = arg.entry;
    } else {
      entry = await pickJob(ctx);
    }
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
    const target = isNode(arg) ? { file: arg.entry.config.file, job: arg.entry.job.name } : ctx.lastRun;
    if (!target) {
      void vscode.window.showInformationMessage('FastAsyncio: nothing to re-run yet.');
      return;
    }
    await ctx.runJob(target.file, target.job);
  },

  'fastasyncio.showRunLog': (ctx) => async (arg?: unknown) => {
    ctx.log.channel.show(true);
    if (isNode(arg) && arg.kind === 'run' && !arg.run.controller) {
      // A past run: replay its record into the channel, streamed.
      ctx.log.channel.info(`── recorded run ${arg.run.runId} ──`);
      await ctx.runs.replay(arg.run, (event) => ctx.log.write(event));
    }
  },

  'fastasyncio.validateWorkspace': (ctx) => async () => {
    await ctx.jobs.ready();
    ctx.jobs.refreshAll();
    const configs = new Set(ctx.jobs.jobs().map((e) => e.config));
    let errors = 0;
    let warnings = 0;
    for (const config of configs) {
      for (const p of config.analysis.problems) {
        if (p.severity === 'error') errors++;
        else if (p.severity === 'warning') warnings++;
      }
    }
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showInformationMessage(`FastAsyncio: ${configs.size} config(s) checked: ${errors} error(s), ${warnings} warning(s).`);
  },

  'fastasyncio.revealInConfig': () => async (arg?: unknown) => {
    if (isNode(arg)) await reveal(arg.entry, arg.kind === 'task' ? arg.task : undefined);
  },

  'fastasyncio.openTaskModule': () => async (arg?: unknown) => {
    if (!isNode(arg) || arg.kind !== 'task') return;
    const module = arg.entry.job.tasks.find((t) => t.id === arg.task)?.module;
    if (module) await vscode.window.showTextDocument(vscode.Uri.file(module));
    else
      void vscode.window.showWarningMessage(
        `FastAsyncio: ${arg.task} has no module in ${path.relative(arg.entry.config.analysis.model?.layout.root ?? '', arg.entry.config.analysis.model?.layout.taskDir ?? '')}.`,
      );
  },
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
