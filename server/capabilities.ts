import { type ClientCapabilities, CodeActionKind, type ServerCapabilities, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { SERVER_COMMANDS } from './commands';
import type { ClientSupport } from './features';

/**
 * What the server offers. Rename is prepared when the client asks first. The server runs only its own
 * commands (creating a module for a quick fix); the client runs `fastasyncio.runJob`. A save of a
 * config looks again for the modules it missed.
 */
export function serverCapabilities(client: ClientCapabilities): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    completionProvider: { triggerCharacters: ['"', ':', '.'] },
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: client.textDocument?.rename?.prepareSupport ? { prepareProvider: true } : true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    executeCommandProvider: { commands: [...SERVER_COMMANDS] },
    codeLensProvider: { resolveProvider: false },
    documentSymbolProvider: true,
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
}

/** What the client can take, as far as the features care. */
export function clientSupport(client: ClientCapabilities): ClientSupport {
  const edits = client.workspace?.workspaceEdit;
  return {
    snippets: client.textDocument?.completion?.completionItem?.snippetSupport === true,
    resourceOperations: edits?.documentChanges === true && (edits.resourceOperations ?? []).includes('create'),
  };
}
