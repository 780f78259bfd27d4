import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { CompletionList, DocumentSymbol, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { codes, LspClient, messageOf } from './lsp-client';
import { bigConfig, jobConfig, type TempProject, tempProject } from './project';

describe('robustness over the protocol', () => {
  let project: TempProject;
  let client: LspClient;
  const hoverTask1 = () => ({ textDocument: { uri: project.configUri }, position: { line: 6, character: 20 } });
  const stillAnswers = async () => {
    const hover = await client.request<Hover | null>('textDocument/hover', hoverTask1());
    assert.match(JSON.stringify(hover?.contents), /\*\*Task1\*\*/);
  };
  const other = (name: string) => pathToFileURL(path.join(project.root, 'configs', name)).href;

  before(async () => {
    project = tempProject(jobConfig([['Task1'], ['Task2', 'Task1']]));
    client = await LspClient.start({ root: project.root, initializationOptions: { debounceMs: 0 } });
    await client.diagnostics(project.configUri);
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('survives 100,000 nested brackets: a syntax error, neutral answers, then business as usual', async () => {
    const uri = other('deep.job.json');
    const since = client.mark();
    const started = Date.now();
    await client.open(uri, '['.repeat(100_000) + ']'.repeat(100_000));
    const published = await client.diagnostics(uri, () => true, since);
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(codes(published), ['syntax']);
    assert.match(messageOf(published.diagnostics[0]), /Nesting deeper than/);
    const position = { line: 0, character: 50_000 };
    assert.deepEqual((await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position })).items, []);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position }), null);
    assert.deepEqual(await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } }), []);
    assert.deepEqual(await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
    await stillAnswers();
  });

  it('survives a 20 MB config and a 20 MB garbage file, and keeps answering', async () => {
    const huge = jobConfig([['Task1'], ['Task2', 'Task1']]).replace('"name": "Task1"', `"name": "Task1", "params": { "blob": "${'x'.repeat(20_000_000)}" }`);
    const since = client.mark();
    await client.open(other('huge.job.json'), huge);
    assert.deepEqual(codes(await client.diagnostics(other('huge.job.json'), () => true, since, 60_000)), []);
    await stillAnswers();
    const garbage = Array.from({ length: 2_000_000 }, (_, i) => (i % 7 === 0 ? '{"a":' : 'x]},')).join('');
    await client.open(other('garbage.job.json'), garbage);
    const published = await client.diagnostics(other('garbage.job.json'), () => true, since, 60_000);
    assert.ok(published.diagnostics.length > 0 && published.diagnostics.length <= 50);
    assert.ok(codes(published).every((c) => c === 'syntax'));
    await stillAnswers();
  });

  it('answers a request cancelled while it waited (the server busy with a big config) with a neutral value', async () => {
    const since = client.mark();
    await client.open(other('busy.job.json'), bigConfig(10_000));
    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest<Hover | null>('textDocument/hover', hoverTask1(), source.token);
    source.cancel();
    assert.equal(await pending, null);
    await client.diagnostics(other('busy.job.json'), () => true, since);
    await stillAnswers();
  });

  it('still publishes for edits after all that', async () => {
    const since = client.mark();
    await client.open(project.configUri, jobConfig([['Task1'], ['Task2', 'Task1']]));
    const version = await client.change(project.configUri, [{ range: { start: { line: 7, character: 45 }, end: { line: 7, character: 50 } }, text: 'Task3' }]);
    const published = await client.diagnostics(project.configUri, (p) => p.version === version, since);
    assert.deepEqual(codes(published), ['unknown-dependency']);
    assert.deepEqual(client.errors, []);
  });
});
