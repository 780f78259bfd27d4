import * as path from 'node:path';
import { type CodeAction, CodeActionKind, CreateFile, type Diagnostic, RenameFile, TextDocumentEdit, TextEdit } from 'vscode-languageserver-types';
import { dominantExtension, resolveModule } from '../../engine/config/modules';
import type { Problem } from '../../engine/config/types';
import type { ParsedDocument } from './document';
import { shown } from './modules';
import { moduleTemplate } from './templates';
import { pathToUri } from './uri';

/**
 * Quick fixes for `missing-task` and `missing-handler`: create the module from a template (in the
 * language most of the task folder is written in), or rename a file whose name differs only in case.
 */
export function createModuleActions(doc: ParsedDocument, problem: Problem, diagnostic: Diagnostic, canCreate: (file: string) => boolean): CodeAction[] {
  const expected = problem.data?.expectedFile;
  const className = problem.data?.className;
  if (!expected || !className || !canCreate(expected)) return [];
  const kind = problem.code === 'missing-task' ? 'task' : 'handler';
  const dir = path.dirname(expected);
  const base = path.basename(expected, path.extname(expected));
  const actions: CodeAction[] = [];
  const found = resolveModule(dir, [base], doc.files);
  if (found.kind === 'missing' && found.caseMismatch) {
    const target = path.join(dir, base + path.extname(found.caseMismatch));
    actions.push({
      title: `Rename ${shown(doc, found.caseMismatch)} to ${path.basename(target)}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { documentChanges: [RenameFile.create(pathToUri(found.caseMismatch), pathToUri(target))] },
    });
  }
  const ext = kind === 'task' ? dominantExtension(doc.files, dir) : dominantExtension(doc.files, doc.layout().taskDir) === '.py' ? '.py' : '.ts';
  const file = path.join(dir, base + ext);
  const uri = pathToUri(file);
  const text = moduleTemplate(kind, className, ext, doc.files.readDir(dir) ?? []);
  actions.push({
    title: `Create ${kind} module ${shown(doc, file)} with class ${className}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: actions.length === 0,
    edit: {
      documentChanges: [
        CreateFile.create(uri, { ignoreIfExists: true }),
        TextDocumentEdit.create({ uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, text)]),
      ],
    },
  });
  return actions;
}
