import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { queueLibrary } from '../../engine/run/queue/library';
import { contentHash, keys, projectPrefix, QUEUE_NAME } from '../../engine/run/queue/protocol';
import { oneJobProjects, taskModule } from '../helpers/project';
import { assertNothingLeft, type RedisServer, runOnWorkers, startRedis, startWorker, startWorkers, stopWorker } from '../helpers/redis';

// Which worker may run which task: versions that differ between the coordinator and a worker, and two
// projects sharing one Redis. A real redis-server, real `fastasyncio worker` and `run --redis` processes.

/** Generous bounds only: a run that hangs fails its test instead of stalling the suite. */
const LIMIT = { timeout: 60_000 };
const project = oneJobProjects();
let redis: RedisServer;
before(async () => (redis = await startRedis()));

const version = (v: string) => taskModule('Ver', `return '${v}';`);

describe('version skew', () => {
  test("a worker whose checkout differs refuses the task with both versions' hashes; a missing module is named", LIMIT, async () => {
    const coordinator = project([{ name: 'Ver' }, { name: 'Extra' }, { name: 'After', dependencies: ['Ver'] }], {
      ...version('v2'),
      ...taskModule('Extra', 'return 1;'),
      ...taskModule('After', 'return input.Ver;'),
    });
    // The worker's checkout: another folder (so the same --queue-prefix), an older Ver and no Extra.
    const checkout = project([{ name: 'Ver' }, { name: 'After', dependencies: ['Ver'] }], { ...version('v1'), ...taskModule('After', 'return input.Ver;') });
    const prefix = ['--queue-prefix', 'skew-test'];
    const worker = startWorker(checkout.configFile, redis.url, { name: 'old', args: prefix });
    await worker.ready;
    const run = await runOnWorkers(coordinator, redis.url, { args: prefix });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const { summary } = run;
    const there = contentHash(version('v2')['src/job/task/ver.js']).slice(0, 12);
    const here = contentHash(version('v1')['src/job/task/ver.js']).slice(0, 12);
    assert.equal(
      summary?.tasks.Ver.error,
      `src/job/task/ver.js differs between the coordinator and worker old (sha1 ${there} there, ${here} here): update the worker's checkout`,
    );
    assert.equal(summary.tasks.After.status, 'skipped');
    assert.match(summary.tasks.Extra.error ?? '', /^src\/job\/task\/extra\.js is missing on worker old \(project .*\)$/);
    await assertNothingLeft(redis, summary.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });

  test('a module changed under a running worker: the worker refuses to run its old copy until restarted', LIMIT, async () => {
    const p = project([{ name: 'Ver' }], version('v1'));
    let worker = startWorker(p.configFile, redis.url, { name: 'long-lived' });
    await worker.ready;
    const first = await runOnWorkers(p, redis.url);
    assert.equal(first.summary?.results.Ver, 'v1', first.stderr + first.stdout);
    p.write('src/job/task/ver.js', version('v2')['src/job/task/ver.js']);
    const second = await runOnWorkers(p, redis.url);
    assert.equal(second.code, 1, second.stderr + second.stdout);
    assert.match(
      second.summary?.tasks.Ver.error ?? '',
      /^src\/job\/task\/ver\.js changed since worker long-lived loaded it \(sha1 \w{12} loaded, \w{12} now and on the coordinator\): restart the worker to run the new version$/,
    );
    assert.equal(await stopWorker(worker), 0, worker.output());
    worker = startWorker(p.configFile, redis.url, { name: 'restarted' });
    await worker.ready;
    const third = await runOnWorkers(p, redis.url);
    assert.equal(third.code, 0, third.stderr + third.stdout);
    assert.equal(third.summary?.results.Ver, 'v2');
    for (const run of [first, second, third]) await assertNothingLeft(redis, run.summary!.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });

  test('a task of another queue protocol version is refused with a message that says which', LIMIT, async () => {
    const p = project([{ name: 'Ver' }], version('v1'));
    const [worker] = await startWorkers(p.configFile, redis.url, ['proto']);
    const prefix = projectPrefix(p.root, p.configFile);
    const runId = '20990101T000000000Z-future';
    const replies = keys.replies(prefix, runId);
    // What a coordinator of a later version would queue.
    const { Queue } = queueLibrary();
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port }, prefix });
    try {
      await queue.add('task', { v: 99, runId, replies, task: 'Ver' }, { jobId: `${runId}-1`, removeOnComplete: true, removeOnFail: true });
    } finally {
      await queue.close();
    }
    const [, message] = (await redis.command('BLPOP', replies, '20')).split('\n');
    assert.deepEqual(JSON.parse(message), {
      type: 'error',
      id: `${runId}-1`,
      worker: 'proto',
      error: { message: 'this worker speaks the queue protocol 1, the task came with 99: update one of them' },
    });
    await assertNothingLeft(redis, runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });
});

describe('two projects on one Redis', () => {
  test("each project's tasks run on its own workers only, with their own modules, at the same time", LIMIT, async () => {
    const tasks = [{ name: 'T1' }, { name: 'T2' }, { name: 'T3', dependencies: ['T1', 'T2'] }];
    const same = (who: string) => ({
      ...taskModule('T1', `await sleep(300); return { project: '${who}', pid: process.pid };`),
      ...taskModule('T2', `await sleep(300); return { project: '${who}', pid: process.pid };`),
      ...taskModule('T3', `return { project: '${who}', pid: process.pid, saw: [input.T1.project, input.T2.project] };`),
    });
    const a = project(tasks, same('A'));
    const b = project(tasks, same('B'));
    assert.notEqual(projectPrefix(a.root, a.configFile), projectPrefix(b.root, b.configFile));
    const [wa] = await startWorkers(a.configFile, redis.url, ['wa']);
    const [wb] = await startWorkers(b.configFile, redis.url, ['wb']);
    const [runA, runB] = await Promise.all([runOnWorkers(a, redis.url), runOnWorkers(b, redis.url)]);
    for (const [run, who, worker] of [
      [runA, 'A', wa],
      [runB, 'B', wb],
    ] as const) {
      assert.equal(run.code, 0, run.stderr + run.stdout);
      for (const task of ['T1', 'T2', 'T3']) {
        assert.equal(run.summary?.tasks[task].worker, worker.name, `${who}'s ${task} ran on ${run.summary?.tasks[task].worker}`);
        assert.deepEqual((run.summary.results[task] as { project: string; pid: number }).project, who);
        assert.equal((run.summary.results[task] as { pid: number }).pid, worker.child.pid);
      }
      assert.deepEqual((run.summary!.results.T3 as { saw: string[] }).saw, [who, who]);
      await assertNothingLeft(redis, run.summary!.runId);
    }
    assert.equal(await stopWorker(wa), 0, wa.output());
    assert.equal(await stopWorker(wb), 0, wb.output());
  });
});
