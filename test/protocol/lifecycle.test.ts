import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { LspClient, SERVER } from './lsp-client';
import { jobConfig, type TempProject, tempProject } from './project';

describe('server lifecycle (dist/server.js --stdio)', () => {
  let project: TempProject;
  let client: LspClient;
  before(async () => {
    project = tempProject(jobConfig([['Task1']]));
    client = await LspClient.start({ root: project.root });
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('advertises the features of issue 4', () => {
    const caps = client.initializeResult.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.deepEqual(caps.completionProvider?.triggerCharacters, ['"', ':', '.']);
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    assert.equal(caps.documentSymbolProvider, true);
    assert.equal(caps.documentFormattingProvider, true);
    assert.equal(caps.documentRangeFormattingProvider, true);
    assert.deepEqual(caps.executeCommandProvider, { commands: ['fastasyncio.server.createModule'] }, 'the client, not the server, runs fastasyncio.runJob');
    assert.equal(client.initializeResult.serverInfo?.name, 'fastasyncio-language-server');
  });

  it('registers file watchers dynamically: task and handler modules and configs', async () => {
    await client.diagnostics(project.configUri);
    const watchers = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.ok(watchers, 'no watcher registration');
    const globs = (watchers.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
    assert.deepEqual(globs, ['**/*.{ts,js,mjs,cjs,py}', '**/job_config.json', '**/*.job.json']);
  });

  it('writes nothing but protocol to stdout', () => {
    assert.deepEqual(client.errors, []);
    assert.equal(client.stderr, '');
  });
});

describe('server process', () => {
  it('speaks stdio even without --stdio, and exits 0 after shutdown and exit', async () => {
    const child = spawn(process.execPath, [SERVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const send = (message: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    send({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    send({ id: 2, method: 'shutdown' });
    while (!stdout.includes('"id":2')) await new Promise((r) => setTimeout(r, 20));
    send({ method: 'exit' });
    assert.equal(await exited, 0);
    const bodies = stdout.split(/Content-Length: \d+\r\n\r\n/).filter((s) => s !== '');
    assert.ok(stdout.startsWith('Content-Length: '));
    for (const body of bodies) assert.equal(JSON.parse(body).jsonrpc, '2.0');
  });
});
