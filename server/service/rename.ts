import { type Position, type Range, TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import type { ParsedDocument } from './document';
import { inner, occurrences, taskIdAt, taskNamed } from './locate';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type RenameResult = { edit: WorkspaceEdit } | { error: string };

/** The id under the cursor that a rename would change, without its quotes. */
export function prepareRename(doc: ParsedDocument, position: Position): { range: Range; placeholder: string } | null {
  const found = taskIdAt(doc.outline(), doc.lines.offset(position));
  return found ? { range: doc.range(inner(found.at.span)), placeholder: found.id } : null;
}

/**
 * Renames a task id across its job: its `name` and every dependency naming it. A task whose class was
 * its name keeps its class: `"task": "<old name>"` is added after the new name.
 */
export function doRename(doc: ParsedDocument, position: Position, newName: string): RenameResult {
  const found = taskIdAt(doc.outline(), doc.lines.offset(position));
  if (!found) return { error: 'Only a task id (a task\'s "name" or a dependency) can be renamed here' };
  if (!IDENTIFIER.test(newName)) return { error: `"${newName}" is not a task id: use letters, digits and _, not starting with a digit` };
  if (newName !== found.id && taskNamed(found.job, newName)) return { error: `Job "${found.job.name?.value ?? ''}" already has a task "${newName}"` };
  const { declaration, uses } = occurrences(found.job, found.id);
  const edits = [...(declaration ? [declaration] : []), ...uses].map((o) => TextEdit.replace(doc.range(inner(o.span)), newName));
  const task = taskNamed(found.job, found.id);
  if (declaration && task && !task.task && newName !== found.id) {
    const end = doc.lines.position(declaration.span.end);
    edits.push(TextEdit.insert(end, `, "task": ${JSON.stringify(found.id)}`));
  }
  return { edit: { changes: { [doc.uri]: edits } } };
}
