import { type ClientCapabilities, CodeActionKind, type ServerCapabilities, TextDocumentSyncKind } from 'vscode-languageserver/node';
import type { ClientSupport } from './features';

/** What the server offers. Rename is prepared when the client asks first. No command is executed here: the client runs `fastasyncio.runJob`. */
export function serverCapabilities(client: ClientCapabilities): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    completionProvider: { triggerCharacters: ['"', ':', '.'] },
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: client.textDocument?.rename?.prepareSupport ? { prepareProvider: true } : true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
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
