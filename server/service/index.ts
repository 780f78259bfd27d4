/**
 * The FastAsyncio language service: pure functions over one parsed version of a config and a read-only
 * view of the project's files. It knows LSP types but no connection; `server/main.ts` wires it to LSP.
 */
export { parseDocument, ParsedDocument, type DocumentInput } from './document';
export { toDiagnostics, type DiagnosticOptions } from './diagnostics';
export { doComplete, type CompletionOptions } from './completion';
export { doHover } from './hover';
export { findDefinition } from './definition';
export { findReferences } from './references';
export { prepareRename, doRename, type RenameResult } from './rename';
export { getCodeActions, type CodeActionOptions } from './code-actions';
export { getCodeLenses } from './code-lens';
export { getDocumentSymbols } from './symbols';
export { formatDocument } from './formatting';
export { pathToUri, uriToPath } from './uri';
