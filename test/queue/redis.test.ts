import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { oneJobProjects, type TempProject, taskModule } from '../helpers/project';
import { assertNothingLeft, freePort, runLines, runOnWorkers, startRedis, startRun, startWorker, stopWorker, until } from '../helpers/redis';

// Redis that cannot be reached, that goes away mid-run, or that wants a password: a real redis-server,
// real `fastasyncio worker` and `fastasyncio run --redis` processes (dist/cli.js: build first).

/** Generous bounds only: a run that hangs fails its test instead of stalling the suite. */
const LIMIT = { timeout: 60_000 };
const project = oneJobProjects();

/** A one-task project whose task sleeps `params.ms` (leaving `marks/started` first) and returns its worker's pid. */
function sleeper(ms: number): TempProject {
  return project(
    [
      { name: 'Long', params: { ms } },
      { name: 'Dep', dependencies: ['Long'] },
    ],
    {
      ...taskModule(
        'Long',
        "require('node:fs').mkdirSync(require('node:path').join(__dirname, '../../../marks'), { recursive: true });\nrequire('node:fs').writeFileSync(require('node:path').join(__dirname, '../../../marks/started'), '');\nawait sleep(ctx.params.ms);\nreturn process.pid;",
      ),
      ...taskModule('Dep', 'return input.Long;'),
    },
  );
}
const started = (p: TempProject) => fs.existsSync(path.join(p.root, 'marks/started'));

/** Starts `fastasyncio worker` and waits for its end: its exit code, output and wall time. */
async function workerOutcome(p: TempProject, url: string): Promise<{ code: number | null; output: string; ms: number }> {
  const startedAt = Date.now();
  const worker = startWorker(p.configFile, url, { name: 'never' });
  const code = await worker.exited;
  return { code, output: worker.output(), ms: Date.now() - startedAt };
}

describe('Redis unreachable', () => {
  test('nothing listens: run and worker exit 2 at once, naming the URL', LIMIT, async () => {
    const p = sleeper(10);
    const url = `redis://127.0.0.1:${await freePort()}`;
    const [run, worker] = await Promise.all([runOnWorkers(p, url), workerOutcome(p, url)]);
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.match(run.stderr, new RegExp(`^fastasyncio run: cannot reach Redis at ${url.replace(/\./g, '\\.')}: .*ECONNREFUSED`, 'm'));
    assert.ok(run.ms < 10_000, `run refused after ${run.ms} ms`);
    assert.equal(p.records().length, 0, 'a refused run leaves no record');
    assert.equal(worker.code, 2, worker.output);
    assert.match(worker.output, new RegExp(`fastasyncio worker: cannot reach Redis at ${url.replace(/\./g, '\\.')}`));
    assert.ok(worker.ms < 10_000, `worker gave up after ${worker.ms} ms`);
  });

  test('a server that accepts but never answers: run and worker exit 2 after the 10 s timeout, naming the URL', LIMIT, async () => {
    const silent = net.createServer(() => undefined);
    const sockets = new Set<net.Socket>();
    silent.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    after(() => {
      sockets.forEach((s) => s.destroy());
      silent.close();
    });
    const url = `redis://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const p = sleeper(10);
    const [run, worker] = await Promise.all([runOnWorkers(p, url), workerOutcome(p, url)]);
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.match(run.stderr, new RegExp(`cannot reach Redis at ${url.replace(/\./g, '\\.')}: no answer within 10 s`));
    assert.ok(run.ms > 9_000 && run.ms < 16_000, `run refused after ${run.ms} ms`);
    assert.equal(worker.code, 2, worker.output);
    assert.match(worker.output, new RegExp(`cannot reach Redis at ${url.replace(/\./g, '\\.')}: no answer within 10 s`));
    assert.ok(worker.ms < 16_000, `worker gave up after ${worker.ms} ms`);
  });
});

describe('Redis stopped mid-run', () => {
  test('the running task fails after 5 s without Redis, saying so; the worker lives on and serves the next run once Redis is back', LIMIT, async () => {
    const redis = await startRedis();
    const p = sleeper(8000);
    const worker = startWorker(p.configFile, redis.url, { name: 'survivor' });
    await worker.ready;
    const running = startRun(p, redis.url);
    await until('the task to start', () => started(p));
    await redis.stop('SIGKILL');
    const stoppedAt = Date.now();
    const run = await running.done;
    const endedAfter = Date.now() - stoppedAt;
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.status, 'failed');
    const lost = `lost the connection to Redis at redis://127.0.0.1:${redis.port} (for 5 s)`;
    assert.equal(summary.tasks.Long.status, 'failed');
    assert.equal(summary.tasks.Long.error, lost);
    assert.equal(summary.tasks.Dep.status, 'skipped');
    assert.ok(runLines(run).includes(lost), `the run says why: ${runLines(run).join('\n')}`);
    assert.ok(endedAfter >= 4000 && endedAfter < 20_000, `the run ended ${endedAfter} ms after Redis stopped`);
    assert.equal(worker.child.exitCode, null, `the worker is still running: ${worker.output()}`);

    await redis.start();
    fs.rmSync(path.join(p.root, 'marks'), { recursive: true, force: true });
    p.write(
      'configs/job_config.json',
      JSON.stringify({
        jobs: [
          {
            name: 'job1',
            handler: 'GenericJobHandler',
            tasks: [
              { name: 'Long', params: { ms: 10 } },
              { name: 'Dep', dependencies: ['Long'] },
            ],
          },
        ],
      }),
    );
    const again = await runOnWorkers(p, redis.url);
    assert.equal(again.code, 0, again.stderr + again.stdout + worker.output());
    assert.equal(again.summary?.tasks.Long.worker, 'survivor');
    assert.equal(again.summary.results.Dep, worker.child.pid);
    await assertNothingLeft(redis, again.summary.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
    // BullMQ reports every reconnect attempt; the worker says it once (again only between other errors).
    const refused = worker.output().match(/worker error: connect ECONNREFUSED/g) ?? [];
    assert.ok(refused.length >= 1 && refused.length <= 4, worker.output());
  });
});

describe('a password in the URL', () => {
  test('run and worker authenticate with it; a wrong or missing one exits 2, and no message shows a password', LIMIT, async () => {
    const password = 'p@ss:w/rd';
    const redis = await startRedis({ password });
    assert.ok(redis.url.includes(encodeURIComponent(password)));
    const p = sleeper(10);
    const worker = startWorker(p.configFile, redis.url, { name: 'pw1' });
    await worker.ready;
    assert.match(worker.output(), new RegExp(`on redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}`), 'the ready line hides the password');
    const run = await runOnWorkers(p, redis.url);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.summary?.tasks.Long.worker, 'pw1');
    await assertNothingLeft(redis, run.summary.runId);

    const wrong = `redis://:not-it-4711@127.0.0.1:${redis.port}`;
    const none = `redis://127.0.0.1:${redis.port}`;
    const [wrongRun, noneRun, wrongWorker] = await Promise.all([runOnWorkers(p, wrong), runOnWorkers(p, none), workerOutcome(p, wrong)]);
    assert.equal(wrongRun.code, 2, wrongRun.stderr + wrongRun.stdout);
    assert.match(wrongRun.stderr, new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}: .*(WRONGPASS|invalid)`));
    assert.equal(noneRun.code, 2, noneRun.stderr + noneRun.stdout);
    assert.match(noneRun.stderr, new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${redis.port}: .*NOAUTH`));
    assert.equal(wrongWorker.code, 2, wrongWorker.output);
    assert.match(wrongWorker.output, /cannot reach Redis at redis:\/\/:\*\*\*@/);
    for (const text of [wrongRun.stderr, wrongRun.stdout, wrongWorker.output, worker.output(), run.stdout, run.stderr]) {
      assert.ok(!text.includes('not-it-4711') && !text.includes(password) && !text.includes(encodeURIComponent(password)), `a password shown: ${text}`);
    }
    assert.equal(await stopWorker(worker), 0, worker.output());
  });
});
