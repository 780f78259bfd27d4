import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type {
  CodeAction,
  CodeLens,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Location,
  TextDocumentEdit,
  CreateFile,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { codes, LspClient } from './lsp-client';
import { jobConfig, type TempProject, tempProject } from './project';

describe('editing features over the protocol', () => {
  let project: TempProject;
  let client: LspClient;
  let text: string;
  const uri = () => project.configUri;
  const at = (line: number, needle: string, shift = 1) => ({
    textDocument: { uri: uri() },
    position: { line, character: text.split('\n')[line].indexOf(needle) + shift },
  });

  before(async () => {
    text = jobConfig([['Task1'], ['Task2', 'Task1'], ['Task3', 'Task1'], ['Task6', 'Task2']]);
    project = tempProject(text);
    client = await LspClient.start({ root: project.root, initializationOptions: { debounceMs: 0 } });
    const since = client.mark();
    await client.open(uri(), text);
    await client.diagnostics(uri(), (p) => p.version === 1, since);
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('completes task ids in dependencies', async () => {
    // Line 8: { "name": "Task3", "dependencies": ["Task1"] } — complete inside "Task1".
    const list = await client.request<CompletionList>('textDocument/completion', at(8, '"Task1"'));
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['Task1', 'Task2', 'Task6'],
    );
  });

  it('goes from a dependency to its task, and from a task to its class', async () => {
    const [entry] = await client.request<Location[]>('textDocument/definition', at(9, '"Task2"'));
    assert.deepEqual(entry, { uri: uri(), range: { start: { line: 7, character: 18 }, end: { line: 7, character: 25 } } });
    const [klass] = await client.request<Location[]>('textDocument/definition', at(6, '"Task1"'));
    assert.equal(fileURLToPath(klass.uri), `${project.taskDir}/task1.ts`);
    assert.deepEqual(klass.range.start, { line: 2, character: 13 });
  });

  it('hovers and finds references', async () => {
    const hover = await client.request<Hover>('textDocument/hover', at(6, '"Task1"'));
    assert.match(JSON.stringify(hover.contents), /Needed by: `Task2`, `Task3`/);
    const refs = await client.request<Location[]>('textDocument/references', { ...at(6, '"Task1"'), context: { includeDeclaration: true } });
    assert.deepEqual(
      refs.map((r) => r.range.start.line),
      [6, 7, 8],
    );
  });

  it('offers a quick fix that creates the missing task module, and the problem goes once it exists', async () => {
    const published = await client.diagnostics(uri(), (p) => codes(p).includes('missing-task'));
    const diagnostic = published.diagnostics.find((d) => d.code === 'missing-task') as Diagnostic;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uri() },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    const create = actions.find((a) => a.title.startsWith('Create task module'));
    assert.ok(create?.edit);
    const [createFile, edit] = create.edit.documentChanges as [CreateFile, TextDocumentEdit];
    assert.equal(fileURLToPath(createFile.uri), `${project.taskDir}/task6.ts`);
    // Apply it as an editor would, and tell the server through the file watcher.
    const [insert] = edit.edits;
    assert.ok('newText' in insert);
    fs.writeFileSync(fileURLToPath(createFile.uri), insert.newText);
    const since = client.mark();
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: createFile.uri, type: 1 }] });
    await client.diagnostics(uri(), (p) => codes(p).length === 0, since);
  });

  it('puts a "Run job" lens, a "Debug" lens and a "Graph" lens above the job', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri() } });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.command, l.command?.arguments]),
      [
        [2, 'fastasyncio.runJob', [{ uri: uri(), job: 'job1' }]],
        [2, 'fastasyncio.debugJob', [{ uri: uri(), job: 'job1' }]],
        [2, 'fastasyncio.showJobGraph', [{ uri: uri(), job: 'job1' }]],
      ],
    );
  });

  it('lists the job and its tasks as symbols', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uri() } });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.children?.map((c) => c.name)]),
      [['job1', ['Task1', 'Task2', 'Task3', 'Task6']]],
    );
  });

  it('renames a task id across the job, and refuses a bad name with a message', async () => {
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(6, '"Task1"'), newName: 'Start' });
    assert.equal(edit.changes?.[uri()]?.length, 4);
    await assert.rejects(client.request('textDocument/rename', { ...at(6, '"Task1"'), newName: '1 bad' }), /not a task id/);
  });

  it('answers a neutral value for a document it does not know', async () => {
    const unknown = { textDocument: { uri: pathToFileURL('/nowhere/job_config.json').href }, position: { line: 0, character: 0 } };
    assert.equal(await client.request('textDocument/hover', unknown), null);
    assert.deepEqual(await client.request('textDocument/definition', unknown), []);
  });
});
