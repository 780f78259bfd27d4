import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { codes, LspClient, messageOf } from './lsp-client';
import { jobConfig, taskModule, type TempProject, tempProject } from './project';

const CREATED = 1;
const DELETED = 3;

describe('diagnostics over the protocol', () => {
  let project: TempProject;
  let client: LspClient;
  let nightlyUri: string;
  before(async () => {
    // Task5 has no module yet; a second config, not opened, has a cycle; a third matches a settings glob.
    project = tempProject(jobConfig([['Task1'], ['Task2', 'Task1'], ['Task5', 'Task2']]));
    nightlyUri = pathToFileURL(
      project.write(
        'configs/nightly.job.json',
        jobConfig([
          ['Task1', 'Task2'],
          ['Task2', 'Task1'],
        ]),
      ),
    ).href;
    project.write('pipelines/etl.json', jobConfig([['Task3', 'Nope']]).replace('{\n', '{\n  "root": "..",\n'));
    project.write('node_modules/pkg/job_config.json', '{}');
    client = await LspClient.start({ root: project.root, settings: { configGlobs: ['pipelines/*.json'] } });
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('checks every config of the workspace at start, opened or not (settings globs included)', async () => {
    assert.deepEqual(codes(await client.diagnostics(project.configUri)), ['missing-task']);
    assert.deepEqual(codes(await client.diagnostics(nightlyUri)), ['cycle', 'cycle']);
    const etl = await client.diagnostics(pathToFileURL(path.join(project.root, 'pipelines/etl.json')).href);
    assert.deepEqual(codes(etl), ['unknown-dependency']);
    assert.ok(!client.published.some((p) => p.uri.includes('node_modules')));
  });

  it('publishes on open, with the document version, and related places', async () => {
    const since = client.mark();
    await client.open(nightlyUri, fs.readFileSync(new URL(nightlyUri), 'utf8'));
    const published = await client.diagnostics(nightlyUri, () => true, since);
    assert.equal(published.version, 1);
    const [first] = published.diagnostics;
    assert.equal(first.source, 'fastasyncio');
    assert.match(messageOf(first), /Dependency cycle: Task1 → Task2 → Task1/);
    assert.equal(first.relatedInformation?.[0].location.uri, nightlyUri);
  });

  it('publishes once after a burst of changes (debounced), for the last version', async () => {
    const since = client.mark();
    let version = 0;
    // Type "Task1" over the "Task2" dependency of Task1, one letter at a time, incrementally.
    const line = 6;
    const character = fs.readFileSync(new URL(nightlyUri), 'utf8').split('\n')[line].indexOf('"Task2"') + 1;
    await client.change(nightlyUri, [{ range: { start: { line, character }, end: { line, character: character + 5 } }, text: '' }]);
    for (const [i, letter] of [...'Task3'].entries()) {
      version = await client.change(nightlyUri, [
        { range: { start: { line, character: character + i }, end: { line, character: character + i } }, text: letter },
      ]);
    }
    const published = await client.diagnostics(nightlyUri, (p) => p.version === version, since);
    assert.deepEqual(codes(published), ['unknown-dependency']);
    assert.match(messageOf(published.diagnostics[0]), /Unknown dependency "Task3"/);
    const forThisFile = client.published.slice(since).filter((p) => p.uri === nightlyUri);
    assert.deepEqual(
      forThisFile.map((p) => p.version),
      [version],
      'one publication for the burst',
    );
  });

  it('clears a missing-task when its module is created (a watched-file change), without touching the config', async () => {
    const since = client.mark();
    const file = project.write('src/job/task/task5.ts', taskModule('Task5'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: CREATED }] });
    const published = await client.diagnostics(project.configUri, (p) => !codes(p).includes('missing-task'), since);
    assert.deepEqual(codes(published), []);

    const again = client.mark();
    fs.rmSync(file);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: DELETED }] });
    assert.deepEqual(codes(await client.diagnostics(project.configUri, (p) => p.diagnostics.length > 0, again)), ['missing-task']);
  });

  it('goes back to the disk text when an edited workspace config is closed', async () => {
    const since = client.mark();
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: nightlyUri } });
    // Published from the disk: without a document version.
    assert.deepEqual(codes(await client.diagnostics(nightlyUri, (p) => p.version === undefined, since)), ['cycle', 'cycle']);
  });

  it('withdraws the diagnostics of a config that is closed and not on disk', async () => {
    const uri = pathToFileURL(path.join(project.root, 'configs/scratch.job.json')).href;
    const since = client.mark();
    await client.open(uri, '{ "jobs": [ ');
    assert.deepEqual(codes(await client.diagnostics(uri, () => true, since)), ['syntax']);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual((await client.diagnostics(uri, (p) => p.diagnostics.length === 0, since)).diagnostics, []);
  });

  it('ignores JSON documents that are not job configs', async () => {
    const uri = pathToFileURL(path.join(project.root, 'package.json')).href;
    await client.open(uri, '{ "name": "x" }');
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols, []);
    assert.ok(!client.published.some((p) => p.uri === uri));
  });
});
