/**
 * How `fastasyncio` starts (issue 15): dist/cli.js loads dist/cli-main.js from V8's code cache, which
 * must never run a bundle's old code, and `run` starts its worker before loading anything, which must
 * never outlive a command that did not use it. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheKey, codeCacheFile } from '../../engine/cli/code-cache';
import { CLI } from '../helpers/cli';
import { oneJobProjects } from '../helpers/project';

const project = oneJobProjects();
const temporary: string[] = [];
after(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  temporary.push(dir);
  return dir;
}

/** `node <cli> <args>` with its code cache in `cacheDir`. */
function run(cli: string, args: string[], cacheDir: string, cwd?: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FASTASYNCIO_CACHE_DIR: cacheDir } });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

/** The file `role`'s code cache of the bundle `main` (dist/cli-main.js unless said) is kept in. */
const cacheFileOf = (cacheDir: string, role: string, main = path.join(path.dirname(CLI), 'cli-main.js')) => codeCacheFile(cacheDir, main, role);

describe('the code cache of dist/cli-main.js', () => {
  /** A copy of the two bundles, free to be changed. */
  function copyOfCli(): { cli: string; main: string } {
    const dir = tempDir('fastasyncio-cli-copy-');
    for (const file of ['cli.js', 'cli-main.js']) fs.copyFileSync(path.join(path.dirname(CLI), file), path.join(dir, file));
    return { cli: path.join(dir, 'cli.js'), main: path.join(dir, 'cli-main.js') };
  }

  test('is written by a first start and used, as it is, by the next', () => {
    const { cli, main } = copyOfCli();
    const cacheDir = tempDir('fastasyncio-code-cache-');
    assert.deepEqual(run(cli, ['--version'], cacheDir), { code: 0, stdout: '0.1.0', stderr: '' });
    const cacheFile = cacheFileOf(cacheDir, 'commands', main);
    const written = fs.statSync(cacheFile);
    assert.ok(written.size > 1000, `${cacheFile} holds compiled code`);
    assert.deepEqual(run(cli, ['--version'], cacheDir), { code: 0, stdout: '0.1.0', stderr: '' });
    assert.equal(fs.statSync(cacheFile).mtimeMs, written.mtimeMs, 'a cache that was used is not written again');
  });

  test('a bundle changed within the same length runs its new code, and its cache is replaced', () => {
    const { cli, main } = copyOfCli();
    const cacheDir = tempDir('fastasyncio-code-cache-');
    assert.equal(run(cli, ['--version'], cacheDir).stdout, '0.1.0');
    const before = fs.readFileSync(cacheFileOf(cacheDir, 'commands', main));
    // V8 checks only the length of the text its cache was made from: the same length must not fool us.
    const text = fs.readFileSync(main, 'utf8');
    assert.ok(text.includes('"0.1.0"'));
    fs.writeFileSync(main, text.replaceAll('"0.1.0"', '"7.7.7"'));
    assert.equal(run(cli, ['--version'], cacheDir).stdout, '7.7.7');
    assert.ok(!before.equals(fs.readFileSync(cacheFileOf(cacheDir, 'commands', main))), 'the cache of the old bundle is replaced');
    assert.equal(run(cli, ['--version'], cacheDir).stdout, '7.7.7');
  });

  test('a cache written anew clears what writers killed mid-write left, and nothing younger', () => {
    const { cli, main } = copyOfCli();
    const cacheDir = tempDir('fastasyncio-code-cache-');
    const cacheFile = cacheFileOf(cacheDir, 'commands', main);
    const old = `${cacheFile}.999999.tmp`;
    const young = `${cacheFile}.999998.tmp`;
    const other = path.join(cacheDir, 'other.v8.999997.tmp');
    for (const file of [old, young, other]) fs.writeFileSync(file, '');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    fs.utimesSync(old, twoMinutesAgo, twoMinutesAgo);
    fs.utimesSync(other, twoMinutesAgo, twoMinutesAgo);
    assert.equal(run(cli, ['--version'], cacheDir).stdout, '0.1.0');
    assert.ok(fs.existsSync(cacheFile));
    assert.deepEqual(
      [old, young, other].map((f) => fs.existsSync(f)),
      [false, true, true],
      'only its own stale temporaries go',
    );
  });

  test('a cache that V8 refuses, or a cache folder that cannot be written, only costs time', () => {
    const { cli, main } = copyOfCli();
    const cacheDir = tempDir('fastasyncio-code-cache-');
    // The right key, then garbage: V8 rejects the data, the bundle is compiled from its text.
    const key = cacheKey(main, fs.readFileSync(main));
    fs.writeFileSync(cacheFileOf(cacheDir, 'commands', main), Buffer.concat([key, Buffer.alloc(4096, 7)]));
    assert.deepEqual(run(cli, ['--version'], cacheDir), { code: 0, stdout: '0.1.0', stderr: '' });
    assert.ok(fs.statSync(cacheFileOf(cacheDir, 'commands', main)).size !== key.length + 4096, 'the refused cache is replaced');
    // A file where the folder should be.
    const notADir = path.join(cacheDir, 'file');
    fs.writeFileSync(notADir, '');
    assert.deepEqual(run(cli, ['--version'], notADir), { code: 0, stdout: '0.1.0', stderr: '' });
  });

  test("the same bundle installed in two places: each one's stacks name its own files", () => {
    const cacheDir = tempDir('fastasyncio-code-cache-');
    // A task's stack where it stands, with the engine's frames that called it.
    const p = project([{ name: 'Where' }], { 'src/job/task/where.js': "exports.Where = class Where { execute() { return new Error('here').stack; } };\n" });
    const stackOf = (cli: string): string => {
      const { stdout } = run(cli, ['run', p.configFile, 'job1', '--format', 'json'], cacheDir);
      return (JSON.parse(stdout) as { results: { Where: string } }).results.Where;
    };
    const first = copyOfCli();
    const second = copyOfCli();
    for (const install of [first, second, first, second]) {
      const frames = stackOf(install.cli)
        .split('\n')
        .filter((line) => line.includes('cli-main.js'));
      assert.ok(frames.length > 0, 'the engine runs the task from its bundle');
      for (const frame of frames) assert.ok(frame.includes(install.main), `${frame} names ${install.main}`);
    }
    assert.ok(fs.existsSync(cacheFileOf(cacheDir, 'worker', first.main)) && fs.existsSync(cacheFileOf(cacheDir, 'worker', second.main)), 'one cache each');
  });
});

describe('fastasyncio run, started from caches', () => {
  test('a task module changed since the last run (same length) runs its new code', () => {
    const cacheDir = tempDir('fastasyncio-code-cache-');
    const module = (value: number) =>
      `import { BaseTask } from 'fastasyncio';\nexport class A extends BaseTask {\n  async execute(): Promise<number> {\n    return ${value};\n  }\n}\n`;
    const p = project([{ name: 'A' }], { 'src/job/task/a.ts': module(1) });
    const results = () => (JSON.parse(run(CLI, ['run', p.configFile, 'job1', '--format', 'json'], cacheDir).stdout) as { results: unknown }).results;
    assert.deepEqual(results(), { A: 1 });
    assert.deepEqual(results(), { A: 1 });
    assert.ok(fs.existsSync(cacheFileOf(cacheDir, 'run')) && fs.existsSync(cacheFileOf(cacheDir, 'worker')));
    p.write('src/job/task/a.ts', module(2));
    assert.deepEqual(results(), { A: 2 });
  });

  test('a relative FASTASYNCIO_CACHE_DIR is taken from where the CLI starts, by its worker too (which moves to the project)', () => {
    const p = project([{ name: 'A' }], { 'src/job/task/a.js': 'exports.A = class A { async execute() { return 1; } };\n' });
    const cwd = tempDir('fastasyncio-cwd-');
    const { code, stderr } = run(CLI, ['run', p.configFile, 'job1', '--format', 'json'], 'code-cache', cwd);
    assert.equal(code, 0, stderr);
    assert.ok(fs.existsSync(cacheFileOf(path.join(cwd, 'code-cache'), 'run')) && fs.existsSync(cacheFileOf(path.join(cwd, 'code-cache'), 'worker')));
    assert.ok(!fs.existsSync(path.join(p.root, 'code-cache')));
  });

  test('with FASTASYNCIO_COMPILER=sucrase, the task module is transpiled as before', () => {
    const p = project([{ name: 'A' }], { 'src/job/task/a.ts': "export class A {\n  async execute(): Promise<string> {\n    return 'sucrase';\n  }\n}\n" });
    const result = spawnSync(process.execPath, [CLI, 'run', p.configFile, 'job1', '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, FASTASYNCIO_COMPILER: 'sucrase' },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual((JSON.parse(result.stdout) as { results: unknown }).results, { A: 'sucrase' });
    assert.ok(!fs.existsSync(path.join(p.root, '.fastasyncio/cache')), 'sucrase output is not cached on disk');
  });
});

/** The pids of workers (`cli.js __worker`) whose working folder is `cwd` (Linux's /proc). */
function workersIn(cwd: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes('__worker') && fs.readlinkSync(`/proc/${entry}/cwd`) === cwd) pids.push(Number(entry));
    } catch {
      // A process that ended meanwhile.
    }
  }
  return pids;
}

describe('the worker `run` starts before it reads its arguments', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  for (const args of [
    ['--help'],
    ['--concurrency', 'many', 'job1'],
    ['no-such-job'],
    ['configs/missing.json', 'job1'],
    ['--inspect=0', '--redis', 'redis://localhost:1'],
  ]) {
    test(`is gone when \`run ${args.join(' ')}\` ends without running`, async () => {
      const p = project([{ name: 'A' }], { 'src/job/task/a.js': 'exports.A = class A { async execute() { return 1; } };\n' });
      const cwd = p.root;
      const child = spawn(process.execPath, [CLI, 'run', ...args], { cwd, stdio: 'ignore' });
      const code = await new Promise((resolve) => child.on('close', resolve));
      assert.equal(code, args[0] === '--help' ? 0 : 2);
      // A killed process is gone at once; one that exits by itself would take its time: wait a little.
      await sleep(300);
      assert.deepEqual(workersIn(cwd), []);
    });
  }
});
