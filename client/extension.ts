import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { activationLine, activationTime } from './activation';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { registerTracebackLinks } from './output';
import { registerRunView } from './run-view';
import { offerSetUp } from './set-up-project';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const activateStart = performance.now();
  const ctx = new Ctx(context);
  const view = vscode.window.createTreeView('fastasyncio.jobs', { treeDataProvider: ctx.tree, showCollapseAll: true });
  context.subscriptions.push(ctx, view, ...registerCommands(ctx), offerSetUp(ctx), registerTracebackLinks(context.extension.id));
  context.subscriptions.push(registerRunView(ctx));
  void vscode.commands.executeCommand('setContext', 'fastasyncio.trusted', vscode.workspace.isTrusted);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void vscode.commands.executeCommand('setContext', 'fastasyncio.trusted', true)));
  // Validation never executes workspace code, so the language server runs in Restricted Mode too. It
  // analyses the configs; the tree and Run Job get the jobs from it. The client library is loaded and
  // the server started just after activation (the extension host is not held up by either).
  setImmediate(() => startLanguageClient(context, ctx));
  const time = activationTime(activateStart);
  if (time) ctx.log.channel.info(activationLine(time));
}

function startLanguageClient(context: vscode.ExtensionContext, ctx: Ctx): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after activation, on purpose
  const { createLanguageClient, followConfigGlobs } = require('./language-client') as typeof import('./language-client');
  client = createLanguageClient(context);
  ctx.jobs.connect(client);
  context.subscriptions.push(followConfigGlobs(client, ctx.log.channel));
  client.start().catch((error: unknown) => {
    ctx.log.channel.error(`The language server did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    ctx.jobs.fail('the language server did not start (see the FastAsyncio output)');
  });
}

export async function deactivate(): Promise<void> {
  if (client?.isRunning()) await client.stop();
}
