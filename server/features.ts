import { type Connection, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { guard } from './guard';
import type { Logger } from './log';
import {
  doComplete,
  doHover,
  doRename,
  findDefinition,
  findReferences,
  formatDocument,
  getCodeActions,
  getCodeLenses,
  getDocumentSymbols,
  type ParsedDocument,
  prepareRename,
} from './service';
import type { Workspace } from './workspace';

/** What the client said it can do, as far as the features care. */
export interface ClientSupport {
  snippets: boolean;
  resourceOperations: boolean;
}

/** Wires each editing request to the language service, each through `guard`. */
export function registerFeatures(connection: Connection, workspace: Workspace, log: Logger, support: ClientSupport): void {
  const docOf = (uri: string): ParsedDocument | undefined => {
    const file = workspace.pathOf(uri);
    return file === undefined ? undefined : workspace.document(file);
  };
  const on = <P extends { textDocument: { uri: string } }, R>(name: string, neutral: R, run: (doc: ParsedDocument, params: P) => R) =>
    guard<P, R>(log, name, neutral, (params) => {
      const doc = docOf(params.textDocument.uri);
      return doc ? run(doc, params) : neutral;
    });

  connection.onCompletion(on('completion', null, (doc, p) => doComplete(doc, p.position, { snippets: support.snippets })));
  connection.onHover(on('hover', null, (doc, p) => doHover(doc, p.position)));
  connection.onDefinition(on('definition', [], (doc, p) => findDefinition(doc, p.position)));
  connection.onReferences(on('references', [], (doc, p) => findReferences(doc, p.position, p.context.includeDeclaration)));
  connection.onPrepareRename(on('prepareRename', null, (doc, p) => prepareRename(doc, p.position)));
  connection.onRenameRequest(
    on('rename', null, (doc, p) => {
      const result = doRename(doc, p.position, p.newName);
      if ('error' in result) throw new ResponseError(LSPErrorCodes.RequestFailed, result.error);
      return result.edit;
    }),
  );
  connection.onCodeAction(
    on('codeAction', [], (doc, p) =>
      getCodeActions(doc, p.range, p.context, {
        resourceOperations: support.resourceOperations,
        canCreate: (file) => workspace.files.allowed(file),
      }),
    ),
  );
  connection.onCodeLens(on('codeLens', [], (doc) => getCodeLenses(doc)));
  connection.onDocumentSymbol(on('documentSymbol', [], (doc) => getDocumentSymbols(doc)));
  connection.onDocumentFormatting(on('formatting', [], (doc, p) => formatDocument(doc, p.options)));
  connection.onDocumentRangeFormatting(on('rangeFormatting', [], (doc, p) => formatDocument(doc, p.options, p.range)));
}
