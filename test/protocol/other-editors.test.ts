import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ClientCapabilities, CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { codes, LspClient, type Published } from './lsp-client';
import { jobConfig, taskModule, type TempProject, tempProject } from './project';

// These tests drive dist/server.js: `npm test` builds it first.

const CREATE_MODULE = 'fastasyncio.server.createModule';

/** Neovim 0.7 and Emacs: watchers registered (and then missing events), no `documentChanges`, no showDocument. */
const NO_DOCUMENT_CHANGES: ClientCapabilities = {
  workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: false } },
  textDocument: { synchronization: { didSave: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
};

/** Like VS Code: file operations in workspace edits, and documents shown when the server asks. */
const FULL: ClientCapabilities = {
  workspace: {
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
  },
  textDocument: { synchronization: { didSave: true } },
  window: { showDocument: { support: true } },
};

const missingTask = (p: Published) => codes(p).includes('missing-task');

async function quickFixes(client: LspClient, uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
}

/** Replaces the whole text of the open config (one version more). */
async function retype(client: LspClient, uri: string, text: string): Promise<number> {
  return client.change(uri, [{ text }]);
}

describe('an editor without documentChanges whose watcher misses events (Neovim 0.7, Emacs)', () => {
  let project: TempProject;
  let client: LspClient;
  const shown: unknown[] = [];
  before(async () => {
    project = tempProject(jobConfig([['Task1'], ['Task5', 'Task1']]));
    client = await LspClient.start({ root: project.root, capabilities: NO_DOCUMENT_CHANGES, initializationOptions: { debounceMs: 0 } });
    client.connection.onRequest('window/showDocument', (params: unknown) => {
      shown.push(params);
      return { success: true };
    });
    await client.open(project.configUri, jobConfig([['Task1'], ['Task5', 'Task1']]));
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('asks to watch files, and to be told of saves', async () => {
    await client.diagnostics(project.configUri, missingTask);
    assert.ok(client.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'));
    assert.deepEqual(client.initializeResult.capabilities.executeCommandProvider, { commands: [CREATE_MODULE] });
    const sync = client.initializeResult.capabilities.textDocumentSync;
    assert.ok(typeof sync === 'object' && sync.save, 'didSave wanted');
  });

  it('an edit of the config looks again for the module it missed, without a watched-file event', async () => {
    project.write('src/job/task/task5.ts', taskModule('Task5'));
    const since = client.mark();
    const version = await retype(client, project.configUri, jobConfig([['Task1'], ['Task5', 'Task1']]) + ' ');
    assert.deepEqual(codes(await client.diagnostics(project.configUri, (p) => p.version === version, since)), []);
  });

  it('so does a save of the config', async () => {
    const version = await retype(client, project.configUri, jobConfig([['Task1'], ['Task6', 'Task1']]));
    await client.diagnostics(project.configUri, (p) => p.version === version && missingTask(p));
    project.write('src/job/task/task6.ts', taskModule('Task6'));
    const since = client.mark();
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: project.configUri } });
    // The first clean publication after the save: one of the analyses from before it (the open's, the
    // workspace scan's) may still arrive after the mark. Without the recheck none is clean, and this times out.
    assert.deepEqual(codes(await client.diagnostics(project.configUri, (p) => codes(p).length === 0, since)), []);
  });

  it('the "create task module" quick fix is a command: the server creates the file and publishes again', async () => {
    const version = await retype(client, project.configUri, jobConfig([['Task1'], ['Task7', 'Task1']]));
    const published = await client.diagnostics(project.configUri, (p) => p.version === version && missingTask(p));
    const [action, ...more] = await quickFixes(client, project.configUri, published.diagnostics[0]);
    assert.deepEqual(more, []);
    assert.equal(action.title, 'Create task module src/job/task/task7.ts with class Task7');
    assert.equal(action.edit, undefined, 'no workspace edit this client cannot apply');
    assert.equal(action.command?.command, CREATE_MODULE);

    const since = client.mark();
    assert.equal(await client.request('workspace/executeCommand', action.command), null);
    const created = path.join(project.taskDir, 'task7.ts');
    assert.match(fs.readFileSync(created, 'utf8'), /export class Task7 extends BaseTask \{/);
    assert.deepEqual(codes(await client.diagnostics(project.configUri, () => true, since)), []);
    assert.deepEqual(shown, [], 'the client cannot show documents: it is not asked to');
  });

  it('the command creates modules only, inside the workspace, and never overwrites one', async () => {
    const outside = pathToFileURL(path.join(path.dirname(project.root), 'elsewhere.ts')).href;
    await assert.rejects(
      client.request('workspace/executeCommand', { command: CREATE_MODULE, arguments: [{ uri: outside, text: 'x' }] }),
      /not a task or handler module inside the workspace/,
    );
    const config = pathToFileURL(path.join(project.root, 'notes.json')).href;
    await assert.rejects(
      client.request('workspace/executeCommand', { command: CREATE_MODULE, arguments: [{ uri: config, text: 'x' }] }),
      /not a task or handler module/,
    );
    const task1 = path.join(project.taskDir, 'task1.ts');
    const before = fs.readFileSync(task1, 'utf8');
    await client.request('workspace/executeCommand', { command: CREATE_MODULE, arguments: [{ uri: pathToFileURL(task1).href, text: 'overwritten' }] });
    assert.equal(fs.readFileSync(task1, 'utf8'), before);
    assert.equal(fs.existsSync(path.join(project.root, 'notes.json')), false);
  });
});

describe('an editor that applies file operations and shows documents (VS Code)', () => {
  let project: TempProject;
  let client: LspClient;
  const shown: { uri: string; takeFocus?: boolean }[] = [];
  before(async () => {
    project = tempProject(jobConfig([['Task1'], ['Task8', 'Task1']]));
    client = await LspClient.start({ root: project.root, capabilities: FULL, initializationOptions: { debounceMs: 0 } });
    client.connection.onRequest('window/showDocument', (params: { uri: string; takeFocus?: boolean }) => {
      shown.push(params);
      return { success: true };
    });
    await client.open(project.configUri, jobConfig([['Task1'], ['Task8', 'Task1']]));
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('the quick fix creates the file in a workspace edit, then its command opens it', async () => {
    const published = await client.diagnostics(project.configUri, missingTask);
    const [action] = await quickFixes(client, project.configUri, published.diagnostics[0]);
    const [create] = action.edit?.documentChanges ?? [];
    assert.ok(create && 'kind' in create && create.kind === 'create');
    assert.equal(action.command?.command, CREATE_MODULE);
    // The editor applies the edit first: the file exists (empty on disk, the text in an unsaved buffer).
    const file = path.join(project.taskDir, 'task8.ts');
    fs.writeFileSync(file, '');
    await client.request('workspace/executeCommand', action.command);
    assert.equal(fs.readFileSync(file, 'utf8'), '', 'what the editor made is left alone');
    assert.deepEqual(shown, [{ uri: create.uri, takeFocus: true }]);
  });
});

describe('an editor that watches nothing and saves', () => {
  let project: TempProject;
  let client: LspClient;
  before(async () => {
    project = tempProject(jobConfig([['Task1'], ['Task9', 'Task1']]));
    client = await LspClient.start({
      root: project.root,
      capabilities: { workspace: { workspaceEdit: { documentChanges: false } } },
      initializationOptions: { debounceMs: 0 },
    });
    await client.open(project.configUri, jobConfig([['Task1'], ['Task9', 'Task1']]));
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('a save of the config, with no edit, finds the module that appeared', async () => {
    await client.diagnostics(project.configUri, missingTask);
    assert.deepEqual(client.registrations, []);
    project.write('src/job/task/task9.ts', taskModule('Task9'));
    const since = client.mark();
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri: project.configUri } });
    // The first clean publication after the save: one of the analyses from before it (the open's, the
    // workspace scan's) may still arrive after the mark. Without the recheck none is clean, and this times out.
    assert.deepEqual(codes(await client.diagnostics(project.configUri, (p) => codes(p).length === 0, since)), []);
  });
});
