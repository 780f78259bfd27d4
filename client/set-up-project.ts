import * as path from 'node:path';
import * as vscode from 'vscode';
import { readConfigFile } from '../engine/analysis/read-config';
import { isInside } from '../engine/config/folders';
import { type FileChange, setUpProject, TYPES_FILE } from '../engine/project/setup';
import type { Ctx } from './ctx';
import { relativePaths } from './paths';

export const SET_UP_COMMAND = 'fastasyncio.setUpProject';

/** The project roots of the workspace's configs, longest first (the innermost root wins). */
function roots(ctx: Ctx): string[] {
  return [...new Set(ctx.jobs.all().map((c) => c.root))].sort((a, b) => b.length - a.length || a.localeCompare(b));
}

async function pickRoot(ctx: Ctx): Promise<string | undefined> {
  await ctx.jobs.ready();
  const all = roots(ctx);
  if (all.length <= 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((root) => ({ label: path.basename(root), description: relativePaths(root + path.sep), root })),
    { title: 'FastAsyncio: Set Up Project', placeHolder: 'Which project should resolve `fastasyncio`?' },
  );
  return picked?.root;
}

/** The task and handler folders of the root's configs, for a new tsconfig.json. */
function folders(ctx: Ctx, root: string): string[] {
  return ctx.jobs
    .all()
    .filter((c) => c.root === root)
    .flatMap((c) => {
      try {
        const layout = readConfigFile(c.file, { taskDir: c.run.taskDir, handlerDir: c.run.handlerDir }).analysis.model?.layout;
        return layout ? [layout.taskDir, layout.handlerDir] : [c.taskDir];
      } catch {
        return [c.taskDir];
      }
    });
}

/** One change as a phrase; nothing when the file was already right. */
function describe(change: FileChange, created: string, updated: string): string | undefined {
  if (change.action === 'created') return created;
  if (change.action === 'updated') return updated;
  if (change.action === 'skipped') return `left ${path.basename(change.file)} as it is (${change.reason ?? 'unknown'})`;
  return undefined;
}

/** Sets up the project at `root` (else the one picked) and says what changed in one message. */
export async function setUpProjectCommand(ctx: Ctx, arg?: unknown): Promise<void> {
  // A root passed by a caller counts only if it is one of this workspace's projects: the command writes files there.
  const root = typeof arg === 'string' && roots(ctx).includes(arg) ? arg : await pickRoot(ctx);
  if (!root) {
    if (roots(ctx).length === 0) void vscode.window.showInformationMessage('FastAsyncio: no job configs in this workspace, so no project to set up.');
    return;
  }
  const declarations = ctx.extension.asAbsolutePath(path.join('dist', 'fastasyncio.d.ts'));
  const folderList = ctx.jobs.all().some((c) => c.root === root) ? [...new Set(folders(ctx, root))] : undefined;
  const result = setUpProject(root, declarations, { folders: folderList });
  const changes = [
    describe(result.declarations, `copied the declarations to ${TYPES_FILE}`, `updated the declarations in ${TYPES_FILE}`),
    describe(result.tsconfig, 'created tsconfig.json', 'mapped fastasyncio in tsconfig.json'),
    describe(result.gitignore, 'created .gitignore with .fastasyncio/', 'added .fastasyncio/ to .gitignore'),
  ].filter((c): c is string => c !== undefined);
  const where = relativePaths(root + path.sep) || path.basename(root);
  ctx.log.channel.info(`Set Up Project ${root}: ${JSON.stringify(result)}`);
  const skipped = [result.declarations, result.tsconfig, result.gitignore].some((c) => c.action === 'skipped');
  const message =
    changes.length === 0
      ? `FastAsyncio: ${where} is already set up: \`fastasyncio\` resolves to its declarations.`
      : `FastAsyncio: set up ${where}: ${changes.join('; ')}.`;
  if (skipped) void vscode.window.showWarningMessage(message);
  else void vscode.window.showInformationMessage(message);
}

function isMissingFastasyncio(diagnostic: vscode.Diagnostic): boolean {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return (diagnostic.source === 'ts' || diagnostic.source === undefined) && Number(code) === 2307 && diagnostic.message.includes("'fastasyncio'");
}

/**
 * Offers Set Up Project, once per project root and session, when TypeScript reports that a file in that
 * project cannot find the module `fastasyncio` (ts 2307).
 */
export function offerSetUp(ctx: Ctx): vscode.Disposable {
  const offered = new Set<string>();
  return vscode.languages.onDidChangeDiagnostics((event) => {
    for (const uri of event.uris) {
      if (uri.scheme !== 'file') continue;
      const root = roots(ctx).find((r) => isInside(uri.fsPath, r));
      if (!root || offered.has(root) || !vscode.languages.getDiagnostics(uri).some(isMissingFastasyncio)) continue;
      offered.add(root);
      void offer(root);
    }
  });
}

async function offer(root: string): Promise<void> {
  const where = relativePaths(root + path.sep) || path.basename(root);
  const choice = await vscode.window.showInformationMessage(
    `FastAsyncio: TypeScript cannot find the module 'fastasyncio' in ${where}. Set up the project so that it resolves (no network needed)?`,
    'Set Up Project',
  );
  if (choice === 'Set Up Project') await vscode.commands.executeCommand(SET_UP_COMMAND, root);
}
