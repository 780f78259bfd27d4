import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { projectPrefix } from '../../engine/run/queue/protocol';
import { oneJobProjects, type TempProject, taskModule } from '../helpers/project';
import {
  assertNothingLeft,
  assignedTo,
  type RedisServer,
  runOnWorkers,
  sleep,
  startRedis,
  startRun,
  startWorker,
  startWorkers,
  stopWorker,
  taskLines,
  until,
  type WorkerProcess,
} from '../helpers/redis';

// Workers that die, stop or are told to cancel, and runs with no worker at all: real redis-server, real
// `fastasyncio worker` and `fastasyncio run --redis` processes (dist/cli.js: build first).

/** Generous bounds only: a run that hangs fails its test instead of stalling the suite. */
const LIMIT = { timeout: 60_000 };
const project = oneJobProjects();
let redis: RedisServer;
before(async () => (redis = await startRedis()));

/**
 * Task code that leaves a mark in the project's `marks/` folder: `<what>.<worker pid>` (the task module is
 * in src/job/task, so the folder is three levels up).
 */
const mark = (what: string) =>
  `{ const fs = require('node:fs'), path = require('node:path'); const dir = path.join(__dirname, '../../../marks'); fs.mkdirSync(dir, { recursive: true }); fs.writeFileSync(path.join(dir, ${what} + '.' + process.pid), ''); }`;
const marks = (p: TempProject) => {
  const dir = path.join(p.root, 'marks');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
};
/** The worker whose process left a `<what>.<pid>` mark. */
const markedBy = (p: TempProject, what: string, workers: WorkerProcess[]) => workers.find((w) => marks(p).includes(`${what}.${w.child.pid}`));

/** The worker's name as task code sees it (the worker's own command line). */
const WORKER_NAME = "process.argv[process.argv.indexOf('--name') + 1]";

describe('a worker lost mid-task', () => {
  test('killed (SIGKILL): with --stalled-after 2, another worker takes the task again well within 15 s', LIMIT, async (t) => {
    const p = project(
      [{ name: 'Long' }],
      taskModule('Long', `${mark("'started'")}\nctx.log('running on ' + ${WORKER_NAME});\nawait sleep(2000);\nreturn { pid: process.pid };`),
    );
    const workers = await startWorkers(p.configFile, redis.url, ['k1', 'k2'], ['--stalled-after', '2', '--concurrency', '1']);
    const running = startRun(p, redis.url);
    let victim: WorkerProcess | undefined;
    await until('the task to start on a worker', () => (victim = markedBy(p, 'started', workers)) !== undefined);
    const survivor = workers.find((w) => w !== victim)!;
    victim!.child.kill('SIGKILL');
    const killedAt = Date.now();
    const run = await running.done;
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.status, 'succeeded');
    assert.equal(summary.tasks.Long.attempts, 1, "a lost worker is BullMQ's to recover, not one of the task's retries");
    assert.equal(summary.tasks.Long.worker, survivor.name);
    assert.deepEqual(summary.results.Long, { pid: survivor.child.pid });
    assert.deepEqual(assignedTo(run, 'Long'), [victim!.name, survivor.name]);
    assert.ok(
      taskLines(run, 'Long').includes(`worker ${victim!.name} gave Long up (it was lost or it stopped); it runs again on ${survivor.name}`),
      taskLines(run, 'Long').join('\n'),
    );
    const again = run.events.find((e) => e.type === 'task-assigned' && e.worker === survivor.name)!;
    const detectedMs = again.time - killedAt;
    t.diagnostic(`lost task detected and taken again ${detectedMs} ms after the kill (--stalled-after 2)`);
    assert.ok(detectedMs < 15_000, `taken again after ${detectedMs} ms`);
    await assertNothingLeft(redis, summary.runId);
    assert.equal(await stopWorker(survivor), 0, survivor.output());
  });

  test('SIGTERM while a task runs: the task finishes within the grace, the worker exits 0', LIMIT, async () => {
    const p = project([{ name: 'Short' }], taskModule('Short', `${mark("'started'")}\nawait sleep(2000);\nreturn 'finished';`));
    const [worker] = await startWorkers(p.configFile, redis.url, ['g1']);
    const running = startRun(p, redis.url);
    await until('the task to start', () => markedBy(p, 'started', [worker]) !== undefined);
    worker.child.kill('SIGTERM');
    const run = await running.done;
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.summary?.tasks.Short.worker, 'g1');
    assert.equal(run.summary.results.Short, 'finished');
    assert.equal(await worker.exited, 0, worker.output());
    assert.match(worker.output(), /g1: stopping[^]*g1: stopped/);
    await assertNothingLeft(redis, run.summary.runId);
  });

  test('SIGTERM while a task runs past the grace: the task goes back to the queue and another worker completes it', LIMIT, async () => {
    // The task takes a minute on the worker named "slow" (ignoring its signal), a moment anywhere else.
    const p = project(
      [{ name: 'Stubborn' }],
      taskModule(
        'Stubborn',
        `${mark("'started'")}\nif (${WORKER_NAME} === 'slow') await new Promise((resolve) => setTimeout(resolve, 60000));\nreturn { pid: process.pid };`,
      ),
    );
    const slow = startWorker(p.configFile, redis.url, { name: 'slow' });
    await slow.ready;
    const running = startRun(p, redis.url);
    await until('the task to start on slow', () => markedBy(p, 'started', [slow]) !== undefined);
    // Only now another worker: the task is slow's until it gives it back.
    const other = startWorker(p.configFile, redis.url, { name: 'other' });
    await other.ready;
    const stoppedAt = Date.now();
    slow.child.kill('SIGTERM');
    const run = await running.done;
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.status, 'succeeded');
    assert.equal(summary.tasks.Stubborn.worker, 'other');
    assert.equal(summary.tasks.Stubborn.attempts, 1, 'giving a task back is no retry');
    assert.deepEqual(summary.results.Stubborn, { pid: other.child.pid });
    assert.deepEqual(assignedTo(run, 'Stubborn'), ['slow', 'other']);
    assert.equal(await slow.exited, 0, slow.output());
    const exitedAfter = Date.now() - stoppedAt;
    assert.ok(exitedAfter < 25_000, `slow exited ${exitedAfter} ms after SIGTERM (10 s grace)`);
    await assertNothingLeft(redis, summary.runId);
    assert.equal(await stopWorker(other), 0, other.output());
  });
});

describe('cancelling', () => {
  test('a cancelled run (SIGINT, exit 130): the worker stops the task and is free for the next run', LIMIT, async () => {
    const p = project(
      [{ name: 'Long', params: { ms: 30000 } }],
      taskModule('Long', `${mark("'started'")}\ntry {\n  await sleep(ctx.params.ms, ctx.signal);\n} finally {\n  ${mark("'ended'")}\n}\nreturn 'done';`),
    );
    const [worker] = await startWorkers(p.configFile, redis.url, ['c1'], ['--concurrency', '1']);
    const running = startRun(p, redis.url, { format: 'text' });
    await until('the task to start', () => markedBy(p, 'started', [worker]) !== undefined);
    const cancelledAt = Date.now();
    running.child.kill('SIGINT');
    const run = await running.done;
    assert.equal(run.code, 130, run.stderr + run.stdout);
    assert.ok(Date.now() - cancelledAt < 10_000, 'the run ended soon after SIGINT');
    assert.equal(run.summary?.status, 'cancelled');
    assert.equal(run.summary.tasks.Long.status, 'cancelled');
    await until('the worker to stop the task', () => markedBy(p, 'ended', [worker]) !== undefined, 10_000);
    await assertNothingLeft(redis, run.summary.runId);
    // The one slot is free again: a short run gets it.
    p.write(
      'configs/job_config.json',
      JSON.stringify({ jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks: [{ name: 'Long', params: { ms: 10 } }] }] }),
    );
    const next = await runOnWorkers(p, redis.url);
    assert.equal(next.code, 0, next.stderr + next.stdout);
    assert.equal(next.summary?.tasks.Long.worker, 'c1');
    await assertNothingLeft(redis, next.summary.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });

  test('no worker at all: the run says once that it waits for one, and SIGINT cancels it (exit 130), leaving nothing queued', LIMIT, async () => {
    const p = project([{ name: 'A' }, { name: 'B' }, { name: 'C' }, { name: 'D', dependencies: ['A'] }], {
      ...taskModule('A', `${mark("'ran'")}\nreturn 1;`),
      ...taskModule('B', `${mark("'ran'")}\nreturn 1;`),
      ...taskModule('C', `${mark("'ran'")}\nreturn 1;`),
      ...taskModule('D', 'return 1;'),
    });
    const queue = `${projectPrefix(p.root, p.configFile)}:tasks`;
    const waiting = `waiting for a worker on ${queue}`;
    const running = startRun(p, redis.url, { format: 'text' });
    await until('the run to say it waits', () => running.stdout().includes(waiting));
    await sleep(1500);
    running.child.kill('SIGINT');
    const run = await running.done;
    assert.equal(run.code, 130, run.stderr + run.stdout);
    assert.equal(run.stdout.split(waiting).length - 1, 1, `said once:\n${run.stdout}`);
    assert.match(run.stdout, new RegExp(`start one with: fastasyncio worker <config> --redis redis://127\\.0\\.0\\.1:${redis.port}`));
    assert.equal(run.summary?.status, 'cancelled');
    await assertNothingLeft(redis, run.summary.runId);
    // A worker that comes later finds nothing of the cancelled run to do.
    const late = startWorker(p.configFile, redis.url, { name: 'late' });
    await late.ready;
    await sleep(1500);
    assert.deepEqual(marks(p), [], 'no task of the cancelled run ran');
    assert.equal(await stopWorker(late), 0, late.output());
  });
});

describe('a coordinator lost mid-run', () => {
  test('what a worker replies to a coordinator that died expires: no list of replies is left without a TTL', LIMIT, async () => {
    const p = project([{ name: 'Slow', params: { ms: 1500 } }], taskModule('Slow', `${mark("'started'")}\nawait sleep(ctx.params.ms);\nreturn 'done';`));
    const [worker] = await startWorkers(p.configFile, redis.url, ['r1'], ['--concurrency', '1']);
    const running = startRun(p, redis.url, { format: 'text' });
    await until('the task to start', () => markedBy(p, 'started', [worker]) !== undefined);
    running.child.kill('SIGKILL');
    await running.done;
    // Nobody reads the run's replies now: the worker's messages (that it took the task, then its result)
    // make a list that must go away by itself.
    let lists: string[] = [];
    await until('the worker to send the result', async () => {
      lists = await redis.keys('*:replies');
      for (const key of lists) if ((await redis.command('LRANGE', key, '0', '-1')).includes('"type":"result"')) return true;
      return false;
    });
    // The expiry follows the push that made the list, as its own command.
    const ttls = async () => Promise.all(lists.map(async (key) => Number(await redis.command('TTL', key))));
    await until('each list of replies to expire', async () => (await ttls()).every((ttl) => ttl > 0 && ttl <= 24 * 3600), 5_000);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });
});
