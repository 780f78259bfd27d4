import * as path from 'node:path';
import { type CodeAction, CodeActionKind, CreateFile, type Diagnostic, RenameFile, TextDocumentEdit, TextEdit } from 'vscode-languageserver-types';
import { dominantExtension, handlerExtension, resolveModule } from '../../engine/config/modules';
import type { Problem } from '../../engine/config/types';
import type { ParsedDocument } from './document';
import { shown } from './modules';
import { moduleTemplate } from './templates';
import { pathToUri } from './uri';

/**
 * The command that creates a module file with a text, unless the file exists, then asks the client to
 * show it. The server runs it (`workspace/executeCommand`): the quick fix's way to create the file in
 * clients that cannot create files through a workspace edit, and to open it in those that can.
 */
export const CREATE_MODULE_COMMAND = 'fastasyncio.server.createModule';

export interface CreateModuleArguments {
  /** The `file:` URI of the module. */
  uri: string;
  /** Its text, when the command creates it. */
  text: string;
}

/**
 * Quick fixes for `missing-task` and `missing-handler`: create the module from a template (in the
 * language most of the task folder is written in), or rename a file whose name differs only in case.
 * With `resourceOperations` the creation is a workspace edit, then the command shows the file; without,
 * the command creates it (and a rename is not offered).
 */
export function createModuleActions(
  doc: ParsedDocument,
  problem: Problem,
  diagnostic: Diagnostic,
  options: { resourceOperations: boolean; canCreate: (file: string) => boolean },
): CodeAction[] {
  const expected = problem.data?.expectedFile;
  const className = problem.data?.className;
  if (!expected || !className || !options.canCreate(expected)) return [];
  const kind = problem.code === 'missing-task' ? 'task' : 'handler';
  const dir = path.dirname(expected);
  const base = path.basename(expected, path.extname(expected));
  const actions: CodeAction[] = [];
  const found = resolveModule(dir, [base], doc.files);
  if (found.kind === 'missing' && found.caseMismatch && options.resourceOperations) {
    const target = path.join(dir, base + path.extname(found.caseMismatch));
    actions.push({
      title: `Rename ${shown(doc, found.caseMismatch)} to ${path.basename(target)}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { documentChanges: [RenameFile.create(pathToUri(found.caseMismatch), pathToUri(target))] },
    });
  }
  const ext = kind === 'task' ? dominantExtension(doc.files, dir) : handlerExtension(dominantExtension(doc.files, doc.layout().taskDir));
  const file = path.join(dir, base + ext);
  const uri = pathToUri(file);
  const text = moduleTemplate(kind, className, ext, doc.files.readDir(dir) ?? []);
  const title = `Create ${kind} module ${shown(doc, file)} with class ${className}`;
  const args: CreateModuleArguments = { uri, text };
  const create: CodeAction = {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: actions.length === 0,
    command: { title, command: CREATE_MODULE_COMMAND, arguments: [args] },
  };
  if (options.resourceOperations) {
    create.edit = {
      documentChanges: [
        CreateFile.create(uri, { ignoreIfExists: true }),
        TextDocumentEdit.create({ uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, text)]),
      ],
    };
  }
  actions.push(create);
  return actions;
}
