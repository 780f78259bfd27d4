import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Connection } from 'vscode-languageserver/node';
import { WorkspaceFiles } from '../../server/files';
import { LATENCY_BUDGET_MS, Publisher } from '../../server/publisher';
import { Workspace } from '../../server/workspace';
import { globMatcher } from '../../server/glob';
import { DEFAULT_SETTINGS } from '../../server/protocol';
import { readSettings, resolvePythonPath } from '../../server/settings';

describe('config globs', () => {
  it('match job configs at any depth, and only them', () => {
    const matches = globMatcher(['**/job_config.json', '**/*.job.json', 'pipelines/*.{json,jsonc}']);
    for (const yes of ['job_config.json', 'configs/job_config.json', 'a/b/nightly.job.json', 'pipelines/x.jsonc']) assert.ok(matches(yes), yes);
    for (const no of ['package.json', 'configs/job_config.json.bak', 'nightlyjob.json', 'pipelines/a/x.json', 'my_job_config.json'])
      assert.ok(!matches(no), no);
  });
});

describe('settings', () => {
  it('take what has the right type over the defaults, later sources first', () => {
    assert.deepEqual(readSettings(undefined, null, 'x'), DEFAULT_SETTINGS);
    const settings = readSettings(
      { configGlobs: ['a/*.json'], keepRuns: 5, trace: { server: 'verbose' } },
      { configGlobs: ['b/*.json', 3], taskDir: 'tasks', defaultConcurrency: -1, keepRuns: 'many', trace: { server: 'loud' } },
    );
    assert.deepEqual(settings, { configGlobs: ['b/*.json'], taskDir: 'tasks', keepRuns: 5, trace: { server: 'verbose' } });
    assert.equal(readSettings({ pythonPath: ' .venv/bin/python ' }, { pythonPath: '' }, { pythonPath: 3 }).pythonPath, '.venv/bin/python');
  });

  it('resolve the Python interpreter against the workspace folder; a bare name stays a command', () => {
    const folder = path.resolve('/ws/proj');
    const home = path.resolve('/home/me');
    assert.equal(resolvePythonPath('${workspaceFolder}/.venv/bin/python', folder, home), path.join(folder, '.venv/bin/python'));
    assert.equal(resolvePythonPath('.venv/bin/python', folder, home), path.join(folder, '.venv/bin/python'));
    assert.equal(resolvePythonPath('../shared/venv/bin/python', folder, home), path.resolve(folder, '../shared/venv/bin/python'));
    assert.equal(resolvePythonPath('~/.pyenv/shims/python', folder, home), path.join(home, '.pyenv/shims/python'));
    assert.equal(resolvePythonPath('${userHome}/py/bin/python', folder, home), `${home}/py/bin/python`);
    assert.equal(resolvePythonPath(path.resolve('/opt/python3.12/bin/python3'), folder, home), path.resolve('/opt/python3.12/bin/python3'));
    assert.equal(resolvePythonPath('python3', folder, home), 'python3');
    assert.equal(resolvePythonPath('  ', folder, home), undefined);
    assert.equal(resolvePythonPath(undefined, folder, home), undefined);
    // `$` in the folder is not a replacement pattern.
    assert.equal(resolvePythonPath('${workspaceFolder}/py', '/w/$&x', home), '/w/$&x/py');
  });

  it("give each config's runs its folder's interpreter", () => {
    const workspace = new Workspace();
    workspace.setFolders(['/ws/a', '/ws/b']);
    const folders = new Map([
      ['/ws/a', readSettings({ pythonPath: '.venv/bin/python' })],
      ['/ws/b', readSettings({})],
    ]);
    workspace.setSettings(readSettings({ pythonPath: 'python3' }), folders);
    assert.equal(workspace.runSettings('/ws/a/configs/job_config.json').python, path.resolve('/ws/a', '.venv/bin/python'));
    assert.equal(workspace.runSettings('/ws/b/configs/job_config.json').python, undefined);
    assert.equal(workspace.runSettings('/elsewhere/job_config.json').python, 'python3');
  });

  it("give each config's runs its folder's Redis, as it is", () => {
    assert.equal(readSettings({ redisUrl: ' redis://:pw@a:6379 ' }, { redisUrl: '' }, { redisUrl: 6379 }).redisUrl, 'redis://:pw@a:6379');
    const workspace = new Workspace();
    workspace.setFolders(['/ws/a', '/ws/b']);
    const folders = new Map([
      ['/ws/a', readSettings({ redisUrl: 'rediss://:pw@queue:6380' })],
      ['/ws/b', readSettings({})],
    ]);
    workspace.setSettings(readSettings({ redisUrl: 'redis://localhost:6379' }), folders);
    assert.equal(workspace.runSettings('/ws/a/configs/job_config.json').redis, 'rediss://:pw@queue:6380');
    assert.equal(workspace.runSettings('/ws/b/configs/job_config.json').redis, undefined);
    assert.equal(workspace.runSettings('/ws/b/configs/job_config.json').keepRuns, 20);
    assert.ok(!('redis' in workspace.runSettings('/ws/b/configs/job_config.json')), 'no key when unset');
    assert.equal(workspace.runSettings('/elsewhere/job_config.json').redis, 'redis://localhost:6379');
  });
});

describe('workspace files', () => {
  it('reads inside the workspace folders only, also through symbolic links, and forgets what changed', () => {
    const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-files-')));
    try {
      const inside = path.join(base, 'ws');
      const outside = path.join(base, 'secret');
      fs.mkdirSync(path.join(inside, 'src'), { recursive: true });
      fs.mkdirSync(outside);
      fs.writeFileSync(path.join(inside, 'src/a.ts'), 'class A {}');
      fs.writeFileSync(path.join(outside, 'key.ts'), 'class Key {}');
      fs.symlinkSync(outside, path.join(inside, 'src/link'));
      const files = new WorkspaceFiles(() => undefined);
      files.setRoots([inside]);
      assert.deepEqual(files.readDir(path.join(inside, 'src'))?.slice().sort(), ['a.ts', 'link']);
      assert.equal(files.readFile(path.join(inside, 'src/a.ts')), 'class A {}');
      assert.equal(files.readFile(path.join(outside, 'key.ts')), undefined);
      assert.equal(files.readDir(outside), undefined);
      assert.equal(files.readFile(path.join(inside, 'src/link/key.ts')), undefined);
      assert.equal(files.readDir(path.join(inside, 'src/link')), undefined);
      assert.ok(files.allowed(path.join(inside, 'src/new/b.ts')));
      assert.ok(!files.allowed(path.join(inside, 'src/link/new.ts')));

      fs.writeFileSync(path.join(inside, 'src/b.ts'), 'class B {}');
      assert.equal(files.readDir(path.join(inside, 'src'))?.length, 2, 'cached until told');
      const generation = files.generation;
      files.invalidate(path.join(inside, 'src/b.ts'));
      assert.ok(files.generation > generation);
      assert.equal(files.readDir(path.join(inside, 'src'))?.length, 3);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it('prefers the text of an open document to the disk', () => {
    const files = new WorkspaceFiles((file) => (file === '/ws/a.ts' ? 'class Open {}' : undefined));
    files.setRoots(['/ws']);
    assert.equal(files.readFile('/ws/a.ts'), 'class Open {}');
  });
});

describe('shared protocol module', () => {
  it('imports nothing at run time, so the client can import it without the LSP runtime', () => {
    const source = fs.readFileSync(path.join(__dirname, '../../server/protocol.ts'), 'utf8');
    const imports = source.match(/^\s*import\s.*$/gm) ?? [];
    assert.deepEqual(
      imports.filter((line) => !/^\s*import type\s/.test(line)),
      [],
    );
  });
});

describe('diagnostics debounce', () => {
  const connection = { sendDiagnostics: async () => undefined } as unknown as Connection;
  const log = { info: () => undefined, error: () => undefined };
  /** A workspace whose analysis of any config takes `ms`. */
  const slowWorkspace = (ms: number) =>
    ({
      document: () => {
        const until = performance.now() + ms;
        while (performance.now() < until);
        return undefined;
      },
      uriOf: (file: string) => `file://${file}`,
    }) as unknown as Workspace;

  it('leaves room for the analysis within the 150 ms budget, unless the client fixed it', () => {
    const adaptive = new Publisher(connection, slowWorkspace(80), log, undefined, { relatedInformation: true });
    assert.equal(adaptive.delayFor('/a.json'), 100);
    adaptive.publish('/a.json');
    const delay = adaptive.delayFor('/a.json');
    assert.ok(delay <= LATENCY_BUDGET_MS - 80, `delay ${delay}`);
    const fixed = new Publisher(connection, slowWorkspace(80), log, 0, { relatedInformation: true });
    fixed.publish('/a.json');
    assert.equal(fixed.delayFor('/a.json'), 0);
  });
});
