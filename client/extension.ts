import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { createLanguageClient, followConfigGlobs } from './language-client';
import { registerTracebackLinks } from './output';
import { registerRunView } from './run-view';
import { offerSetUp } from './set-up-project';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new Ctx(context);
  const view = vscode.window.createTreeView('fastasyncio.jobs', { treeDataProvider: ctx.tree, showCollapseAll: true });
  context.subscriptions.push(ctx, view, ...registerCommands(ctx), offerSetUp(ctx), registerTracebackLinks(context.extension.id));
  context.subscriptions.push(registerRunView(ctx));
  void vscode.commands.executeCommand('setContext', 'fastasyncio.trusted', vscode.workspace.isTrusted);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void vscode.commands.executeCommand('setContext', 'fastasyncio.trusted', true)));
  // Validation never executes workspace code, so the language server runs in Restricted Mode too. It
  // analyses the configs; the tree and Run Job get the jobs from it.
  client = createLanguageClient(context);
  ctx.jobs.connect(client);
  context.subscriptions.push(followConfigGlobs(client, ctx.log.channel));
  try {
    await client.start();
  } catch (error) {
    ctx.log.channel.error(`The language server did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    ctx.jobs.fail('the language server did not start (see the FastAsyncio output)');
  }
}

export async function deactivate(): Promise<void> {
  if (client?.isRunning()) await client.stop();
}
