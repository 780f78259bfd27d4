import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeAction, CompletionList } from 'vscode-languageserver-protocol';
import { codes, LspClient } from './lsp-client';
import { jobConfig, taskModule, type TempProject, tempProject } from './project';

/** An editor that opens one file without a workspace folder and offers no watchers, snippets or file operations. */
describe('a minimal client (no folder, no watchers, no file operations)', () => {
  let project: TempProject;
  let client: LspClient;
  before(async () => {
    project = tempProject(jobConfig([['Task1'], ['Task5', 'Task1']]));
    client = await LspClient.start({ root: null, capabilities: {}, initializationOptions: { debounceMs: 0 } });
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('checks the open config against its own project, and registers no watchers', async () => {
    const since = client.mark();
    await client.open(project.configUri, jobConfig([['Task1'], ['Task5', 'Task1']]));
    const published = await client.diagnostics(project.configUri, () => true, since);
    assert.deepEqual(codes(published), ['missing-task']);
    assert.equal(published.diagnostics[0].relatedInformation, undefined);
    assert.deepEqual(client.registrations, []);
  });

  it("offers only the fixes it can apply: file creation through the server's command, not a workspace edit", async () => {
    const published = await client.diagnostics(project.configUri, (p) => codes(p).includes('missing-task'));
    const diagnostic = published.diagnostics[0];
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: project.configUri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    assert.deepEqual(
      actions.map((a) => [a.title, a.edit, a.command?.command]),
      [['Create task module src/job/task/task5.ts with class Task5', undefined, 'fastasyncio.server.createModule']],
    );
  });

  it('completes keys without snippets', async () => {
    // Right after `"name": "job1",`: the job's other keys.
    const list = await client.request<CompletionList>('textDocument/completion', {
      textDocument: { uri: project.configUri },
      position: { line: 3, character: 21 },
    });
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['description', 'maxConcurrency', 'onFailure'],
    );
    const onFailure = list.items[2];
    assert.ok(onFailure.textEdit && 'newText' in onFailure.textEdit);
    assert.equal(onFailure.textEdit.newText, '"onFailure": ');
  });

  it('notices a new task module at the next edit, without watched-file events', async () => {
    project.write('src/job/task/task5.ts', taskModule('Task5'));
    const since = client.mark();
    const version = await client.change(project.configUri, [{ range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: ' ' }]);
    assert.deepEqual(codes(await client.diagnostics(project.configUri, (p) => p.version === version, since)), []);
  });
});
