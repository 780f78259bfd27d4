// Runs on workers from VS Code: with `fastasyncio.redisUrl` set, Run Job asks where to run; "Run on
// workers" sends the tasks through Redis (a local redis-server with a password) to a `fastasyncio worker`,
// and the tree and the output channel name the worker. The password is never shown.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import { present, type QuickPickItem, waitUntil } from './harness';
import { findVsix, ROOT, useVSCode } from './run';

const PASSWORD = 'e2e-s3cret-pw';
const JOB1_TASKS = ['Task1', 'Task2', 'Task3', 'Task4'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket.end() && true));
    socket.on('error', () => resolve(false));
  });

/** Resolves once `child` has printed a line matching `expected` on stdout (its output is kept for messages). */
function printed(child: ChildProcess, expected: RegExp): Promise<void> {
  let seen = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (expected.test(seen)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the worker exited (${code}) before printing ${expected}: ${seen}`)));
  });
}

describe('FastAsyncio in VS Code: runs on workers', () => {
  let redis: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  let url = '';
  before(async () => {
    const port = await freePort();
    url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', PASSWORD, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitUntil(`redis-server on port ${port}`, () => accepts(port), Boolean, 10_000);
  });
  after(() => {
    worker?.kill();
    redis?.kill();
  });
  const code = useVSCode(() => ({ workspace: path.join(ROOT, 'examples'), vsix: findVsix(), settings: { 'fastasyncio.redisUrl': url } }));

  code.test('Run Job asks where; on workers, each task shows the worker that ran it', async (vscode) => {
    worker = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'worker', path.join(vscode.workspace, 'configs', 'job_config.json'), '--name', 'w1'], {
      env: { ...process.env, FASTASYNCIO_REDIS_URL: url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await printed(worker, /fastasyncio worker w1 ready/);

    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('job1');
    const items = await waitUntil(
      'the "where" quick pick',
      () => vscode.quickPickItems(),
      (i): i is QuickPickItem[] => present(i) && i.some((x) => x.label === 'Run on workers'),
    );
    assert.deepEqual(
      items.map((i) => i.label),
      ['Run locally', 'Run on workers'],
    );
    const onWorkers = items.find((i) => i.label === 'Run on workers')!;
    assert.equal(onWorkers.detail, url.replace(PASSWORD, '***'));
    assert.ok(!JSON.stringify(items).includes(PASSWORD), 'the password is masked');
    await vscode.screenshot('workers-where');
    await vscode.pickQuickItem('Run on workers');

    const rows = await vscode.waitForTreeItems(
      'FastAsyncio',
      (r) => JOB1_TASKS.every((t) => r.some((x) => x.label === t && x.icon === 'pass' && / · on w1$/.test(x.description))),
      60_000,
    );
    assert.match(rows.find((r) => r.label === 'Task1')!.description, /^succeeded · \S+ · on w1$/);
    await vscode.screenshot('workers-tree');
    const output = await vscode.waitForOutput('FastAsyncio', /job1 succeeded in/);
    assert.match(output, /Task1 runs on worker w1/);
    assert.ok(!output.includes(PASSWORD), 'the output channel never shows the password');

    // Escape at "where" runs nothing; "Run locally" runs without the worker.
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('job1');
    await waitUntil(
      'the "where" quick pick',
      () => vscode.quickPickItems(),
      (i) => present(i) && i.some((x) => x.label === 'Run locally'),
    );
    await vscode.page.keyboard.press('Escape');
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('job1');
    await vscode.pickQuickItem('Run locally');
    const local = await vscode.waitForTreeItems(
      'FastAsyncio',
      (r) =>
        r.filter((x) => x.label.startsWith('Run ')).length === 2 &&
        JOB1_TASKS.every((t) => r.some((x) => x.label === t && x.icon === 'pass' && !/ on /.test(x.description))),
      60_000,
    );
    assert.equal(local.filter((x) => x.label.startsWith('Run ')).length, 2, 'two runs: the escaped one never started');
  });
});
