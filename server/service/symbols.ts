import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver-types';
import type { ParsedDocument } from './document';
import type { Named, Span } from './outline';

/** The outline: each job (its handler as detail), then its tasks (their class when it differs). */
export function getDocumentSymbols(doc: ParsedDocument): DocumentSymbol[] {
  return doc.outline().jobs.flatMap((job) => {
    if (!job.name) return [];
    const children = job.tasks.flatMap((task) =>
      task.name ? [symbol(doc, task.name, task.span, SymbolKind.Function, task.task ? `task ${task.task.value}` : undefined)] : [],
    );
    return [{ ...symbol(doc, job.name, job.span, SymbolKind.Module, job.handler?.value), children }];
  });
}

function symbol(doc: ParsedDocument, name: Named, span: Span, kind: SymbolKind, detail: string | undefined): DocumentSymbol {
  return { name: name.value || '(unnamed)', detail, kind, range: doc.range(span), selectionRange: doc.range(name.span) };
}
