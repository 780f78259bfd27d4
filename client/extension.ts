import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { startLanguageClient } from './language-client';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const ctx = new Ctx(context);
  const view = vscode.window.createTreeView('fastasyncio.jobs', { treeDataProvider: ctx.tree, showCollapseAll: true });
  context.subscriptions.push(ctx, view, ...registerCommands(ctx));
  void vscode.commands.executeCommand('setContext', 'fastasyncio.trusted', vscode.workspace.isTrusted);
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void vscode.commands.executeCommand('setContext', 'fastasyncio.trusted', true)));
  // Validation never executes workspace code, so the language server runs in Restricted Mode too.
  try {
    client = await startLanguageClient(context);
  } catch (error) {
    ctx.log.channel.error(`The language server did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
