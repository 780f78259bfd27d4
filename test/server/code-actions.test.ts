import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CodeAction, CreateFile, RenameFile, TextDocumentEdit, type TextEdit } from 'vscode-languageserver-types';
import { getCodeActions, toDiagnostics, type ParsedDocument } from '../../server/service';
import { CREATE_MODULE_COMMAND, type CreateModuleArguments } from '../../server/service/create-module';
import { applyEdits, CONFIG_URI, config, parse, project, pythonProject } from './helpers';

/** The quick fixes for the one diagnostic of `code`. */
function fixesFor(doc: ParsedDocument, code: string, options?: Parameters<typeof getCodeActions>[3]): CodeAction[] {
  const diagnostic = toDiagnostics(doc).find((d) => d.code === code);
  assert.ok(diagnostic, `no ${code} diagnostic`);
  return getCodeActions(doc, diagnostic.range, { diagnostics: [diagnostic] }, options);
}

const textEdits = (action: CodeAction): TextEdit[] => action.edit?.changes?.[CONFIG_URI] ?? [];
const codesAfter = (doc: ParsedDocument, action: CodeAction) => toDiagnostics(parse(applyEdits(doc.text, textEdits(action)))).map((d) => d.code);

/** The file a "create module" action makes and the text it puts in it. */
function created(action: CodeAction): { uri: string; text: string } {
  const [create, edit] = action.edit?.documentChanges ?? [];
  assert.ok(CreateFile.is(create) && create.options?.ignoreIfExists);
  assert.ok(TextDocumentEdit.is(edit) && edit.textDocument.uri === create.uri);
  return { uri: create.uri, text: edit.edits.map((e) => ('newText' in e ? e.newText : '')).join('') };
}

describe('code actions', () => {
  it('creates a missing task module from the TypeScript template', () => {
    const doc = parse(config('{ "name": "Task1" }', '{ "name": "Task5", "dependencies": ["Task1"] }'));
    const [action] = fixesFor(doc, 'missing-task');
    assert.equal(action.title, 'Create task module src/job/task/task5.ts with class Task5');
    const { uri, text } = created(action);
    assert.equal(uri, 'file:///project/src/job/task/task5.ts');
    assert.match(text, /^import \{ BaseTask, type TaskContext \} from 'fastasyncio';/);
    assert.match(text, /export class Task5 extends BaseTask \{/);
    assert.match(text, /async execute\(input: Record<string, unknown>, ctx: TaskContext\): Promise<unknown> \{/);
    // After the edit, the server's command opens the new file (it exists by then: nothing is written twice).
    assert.equal(action.command?.command, CREATE_MODULE_COMMAND);
    assert.deepEqual(action.command.arguments, [{ uri, text }]);
  });

  it("creates a Python module when the task folder is mostly Python, importing the seed's base class", () => {
    const py = (c: string) => `from .base_task import BaseTask\n\nclass ${c}(BaseTask):\n    pass\n`;
    const files = project([], {
      'src/job/task/base_task.py': 'class BaseTask:\n    pass\n',
      'src/job/task/task1.py': py('Task1'),
      'src/job/task/task2.py': py('Task2'),
      'src/job/task/helper.ts': 'export const x = 1;\n',
    });
    const doc = parse(config('{ "name": "Task1" }', '{ "name": "Task6" }'), files);
    const { uri, text } = created(fixesFor(doc, 'missing-task')[0]);
    assert.equal(uri, 'file:///project/src/job/task/task6.py');
    assert.equal(
      text,
      [
        'from .base_task import BaseTask',
        '',
        '',
        'class Task6(BaseTask):',
        '    async def execute(self, input_data=None):',
        "        # input_data holds the dependencies' results by task name.",
        '        return {}',
        '',
      ].join('\n'),
    );
  });

  it('imports BaseTask from fastasyncio when the task folder has no base_task.py', () => {
    const files = project([], { 'src/job/task/task1.py': 'from fastasyncio import BaseTask\n\nclass Task1(BaseTask):\n    pass\n' });
    const { uri, text } = created(fixesFor(parse(config('{ "name": "Task1" }', '{ "name": "Task6" }'), files), 'missing-task')[0]);
    assert.equal(uri, 'file:///project/src/job/task/task6.py');
    assert.ok(text.startsWith('from fastasyncio import BaseTask\n\n\nclass Task6(BaseTask):\n    async def execute(self, input_data=None):\n'), text);
  });

  it("creates a Python handler in the seed's style, on the engine's GenericJobHandler even beside the seed's own", () => {
    const files = pythonProject();
    const doc = parse(config('{ "name": "Task1" }').replace('job1_handler.Job1Handler', 'nightly_handler.NightlyHandler'), files);
    const { uri, text } = created(fixesFor(doc, 'missing-handler')[0]);
    assert.equal(uri, 'file:///project/src/joborchrestrator/handler/nightly_handler.py');
    assert.equal(
      text,
      [
        'import logging',
        '',
        'from fastasyncio import GenericJobHandler',
        '',
        '',
        'class NightlyHandler(GenericJobHandler):',
        '    async def run(self, ctx=None):',
        '        logging.info("Running %s", type(self).__name__)',
        '        return await super().run(ctx)',
        '',
      ].join('\n'),
    );
  });

  it('creates a missing handler extending GenericJobHandler', () => {
    const doc = parse(config('{ "name": "Task1" }').replace('job1_handler.Job1Handler', 'nightly.NightlyHandler'));
    const { uri, text } = created(fixesFor(doc, 'missing-handler')[0]);
    assert.equal(uri, 'file:///project/src/joborchrestrator/handler/nightly.ts');
    assert.equal(text, "import { GenericJobHandler } from 'fastasyncio';\n\nexport class NightlyHandler extends GenericJobHandler {}\n");
  });

  it('offers to rename a module whose name differs only in case, before creating one', () => {
    const files = project(['Task1'], { 'src/job/task/Task6.ts': 'export class Task6 {}\n' });
    const doc = parse(config('{ "name": "Task6" }'), files);
    const [rename, create] = fixesFor(doc, 'missing-task');
    const [operation] = rename.edit?.documentChanges ?? [];
    assert.ok(RenameFile.is(operation));
    assert.equal(operation.oldUri, 'file:///project/src/job/task/Task6.ts');
    assert.equal(operation.newUri, 'file:///project/src/job/task/task6.ts');
    assert.ok(rename.isPreferred);
    assert.match(create.title, /^Create task module/);
    // Without file operations no rename is offered; the command still creates the module.
    const [only, ...more] = fixesFor(doc, 'missing-task', { resourceOperations: false, canCreate: () => true });
    assert.deepEqual(more, []);
    assert.match(only.title, /^Create task module/);
    assert.ok(only.isPreferred);
  });

  it('creates a module with a command for a client that cannot apply file operations, and nothing outside allowed folders', () => {
    const doc = parse(config('{ "name": "Task5" }'));
    const [action, ...more] = fixesFor(doc, 'missing-task', { resourceOperations: false, canCreate: () => true });
    assert.deepEqual(more, []);
    assert.equal(action.title, 'Create task module src/job/task/task5.ts with class Task5');
    assert.equal(action.edit, undefined);
    assert.equal(action.command?.command, CREATE_MODULE_COMMAND);
    const [args] = (action.command?.arguments ?? []) as CreateModuleArguments[];
    assert.equal(args.uri, 'file:///project/src/job/task/task5.ts');
    assert.match(args.text, /export class Task5 extends BaseTask \{/);
    assert.deepEqual(fixesFor(doc, 'missing-task', { resourceOperations: true, canCreate: () => false }), []);
  });

  it('replaces an unknown dependency with the close name, or removes it', () => {
    const doc = parse(config('{ "name": "Task1" }', '{ "name": "Task2", "dependencies": ["Tsk1", "Task1"] }'));
    const [replace, remove] = fixesFor(doc, 'unknown-dependency');
    assert.equal(replace.title, 'Change to "Task1"');
    assert.ok(replace.isPreferred);
    assert.match(applyEdits(doc.text, textEdits(replace)), /"dependencies": \["Task1", "Task1"\]/);
    assert.equal(remove.title, 'Remove dependency "Tsk1"');
    assert.match(applyEdits(doc.text, textEdits(remove)), /"dependencies": \["Task1"\] \}/);
  });

  it('removes a dependency and leaves valid JSON, whatever its place in the list', () => {
    for (const [deps, expected] of [
      ['["Task2"]', '[]'],
      ['["Task1", "Task2"]', '["Task1"]'],
      ['["Task2", "Task1"]', '["Task1"]'],
      ['[\n          "Task1",\n          "Task2",\n          "Task3"\n        ]', '[\n          "Task1",\n          "Task3"\n        ]'],
    ]) {
      const doc = parse(config('{ "name": "Task1" }', '{ "name": "Task3" }', `{ "name": "Task2", "dependencies": ${deps.replace('"Task2"', '"Task2"')} }`));
      const [remove] = fixesFor(doc, 'self-dependency');
      assert.equal(remove.title, 'Remove dependency "Task2"');
      const after = applyEdits(doc.text, textEdits(remove));
      assert.ok(after.includes(`"dependencies": ${expected} }`), after);
      assert.deepEqual(codesAfter(doc, remove), []);
    }
  });

  it('breaks a cycle by removing any one of its edges', () => {
    const doc = parse(
      config(
        '{ "name": "Task1", "dependencies": ["Task3"] }',
        '{ "name": "Task2", "dependencies": ["Task1"] }',
        '{ "name": "Task3", "dependencies": ["Task2"] }',
        '{ "name": "Task4", "dependencies": ["Task3"] }',
      ),
    );
    const actions = fixesFor(doc, 'cycle');
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        'Break the cycle: remove "Task3" from the dependencies of "Task1"',
        'Break the cycle: remove "Task2" from the dependencies of "Task3"',
        'Break the cycle: remove "Task1" from the dependencies of "Task2"',
      ],
    );
    for (const action of actions) assert.deepEqual(codesAfter(doc, action), []);
  });

  it('answers nothing when only other kinds of actions are asked for', () => {
    const doc = parse(config('{ "name": "Task1", "dependencies": ["Task1"] }'));
    const [diagnostic] = toDiagnostics(doc);
    assert.deepEqual(getCodeActions(doc, diagnostic.range, { diagnostics: [diagnostic], only: ['refactor'] }), []);
    assert.equal(getCodeActions(doc, diagnostic.range, { diagnostics: [diagnostic], only: ['quickfix'] }).length, 1);
  });
});
