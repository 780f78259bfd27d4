import type { Location, Position } from 'vscode-languageserver-types';
import type { ParsedDocument } from './document';
import { occurrences, taskIdAt } from './locate';

/** References of a task: its entry's `name` (when asked for) and every dependency of the job that names it. */
export function findReferences(doc: ParsedDocument, position: Position, includeDeclaration: boolean): Location[] {
  const found = taskIdAt(doc.outline(), doc.lines.offset(position));
  if (!found) return [];
  const { declaration, uses } = occurrences(found.job, found.id);
  const spans = [...(includeDeclaration && declaration ? [declaration.span] : []), ...uses.map((u) => u.span)];
  return spans.map((span) => ({ uri: doc.uri, range: doc.range(span) }));
}
