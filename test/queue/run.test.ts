import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { oneJobProjects, taskModule } from '../helpers/project';
import { pythonTask } from '../helpers/python';
import { assertNothingLeft, assignedTo, type RedisServer, runOnWorkers, startRedis, startWorker, startWorkers, stopWorker, taskLines } from '../helpers/redis';

// Runs on workers (`run --redis`) against a real redis-server and real `fastasyncio worker` processes
// (dist/cli.js: build first). Every run must leave nothing of itself in Redis.

/** Generous bounds only: a run that hangs fails its test instead of stalling the suite. */
const LIMIT = { timeout: 60_000 };
const project = oneJobProjects();
let redis: RedisServer;
before(async () => (redis = await startRedis()));

/** A task that sleeps `ms` and says where and when it ran. */
const timed = (name: string, ms: number) =>
  taskModule(name, `const start = Date.now(); await sleep(${ms}); return { pid: process.pid, start, end: Date.now() };`);

describe('a job on workers', () => {
  test('spreads over two workers: tasks overlap on different workers, results pass between them', LIMIT, async () => {
    const p = project([{ name: 'A' }, { name: 'B' }, { name: 'C', dependencies: ['A', 'B'] }], {
      ...timed('A', 1500),
      ...timed('B', 1500),
      ...taskModule('C', 'return { pid: process.pid, a: input.A, b: input.B };'),
    });
    const workers = await startWorkers(p.configFile, redis.url, ['w1', 'w2'], ['--concurrency', '1']);
    const pidOf = new Map(workers.map((w) => [w.name, w.child.pid]));
    const run = await runOnWorkers(p, redis.url);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.status, 'succeeded');
    const a = summary.results.A as { pid: number; start: number; end: number };
    const b = summary.results.B as { pid: number; start: number; end: number };
    const c = summary.results.C as { pid: number; a: unknown; b: unknown };
    for (const task of ['A', 'B', 'C']) {
      const worker: string | undefined = summary.tasks[task].worker;
      assert.ok(worker === 'w1' || worker === 'w2', `${task} ran on ${worker}`);
      assert.deepEqual(assignedTo(run, task), [worker], `one task-assigned event for ${task}`);
      assert.equal((summary.results[task] as { pid: number }).pid, pidOf.get(worker), `${task}'s result comes from ${worker}'s process`);
    }
    assert.notEqual(summary.tasks.A.worker, summary.tasks.B.worker, 'A and B ran on different workers');
    assert.ok(a.start < b.end && b.start < a.end, `A (${a.start}-${a.end}) and B (${b.start}-${b.end}) overlap`);
    assert.deepEqual(c.a, a, "C got A's result");
    assert.deepEqual(c.b, b, "C got B's result");
    // C ran on one of the two workers, so at least one of its inputs came from the other one.
    assert.ok(c.pid !== a.pid || c.pid !== b.pid);
    await assertNothingLeft(redis, summary.runId);
    const stopping = Date.now();
    for (const w of workers) assert.equal(await stopWorker(w), 0, w.output());
    assert.ok(Date.now() - stopping < 5000, `idle workers stopped in ${Date.now() - stopping} ms, not after the grace period`);
  });

  test('Python tasks run on the worker with python3, between TypeScript tasks, with their output', LIMIT, async () => {
    const p = project([{ name: 'First' }, { name: 'Py', dependencies: ['First'] }, { name: 'Last', dependencies: ['Py'] }], {
      ...taskModule('First', "return { from: 'js', n: 1, pid: process.pid };"),
      ...pythonTask(
        'Py',
        'print("hello from python")\nreturn {"from": "python", "n": input_data["First"]["n"] + 1, "version": sys.version_info[0], "parent": os.getppid()}',
        { imports: 'import os\nimport sys' },
      ),
      ...taskModule('Last', 'return { total: input.Py.n + 1, saw: input.Py.from };'),
    });
    const [worker] = await startWorkers(p.configFile, redis.url, ['py1'], ['--python', 'python3']);
    const run = await runOnWorkers(p, redis.url);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.status, 'succeeded', JSON.stringify(summary));
    assert.equal(summary.tasks.Py.worker, 'py1');
    const py = summary.results.Py as { from: string; n: number; version: number; parent: number };
    assert.deepEqual({ from: py.from, n: py.n, version: py.version }, { from: 'python', n: 2, version: 3 });
    assert.equal(py.parent, worker.child.pid, "the Python runner is the worker's child");
    assert.deepEqual(summary.results.Last, { total: 3, saw: 'python' });
    assert.deepEqual(taskLines(run, 'Py'), ['hello from python'], "what the Python task printed reaches the run's log");
    await assertNothingLeft(redis, summary.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });
});

describe('failures on workers', () => {
  test('a failing task fails with its message and stack; its dependents are skipped, the others run', LIMIT, async () => {
    const p = project([{ name: 'Bad' }, { name: 'Dep', dependencies: ['Bad'] }, { name: 'Dep2', dependencies: ['Dep'] }, { name: 'Good' }], {
      ...taskModule('Bad', "throw new Error('boom on purpose');"),
      ...taskModule('Dep', 'return 1;'),
      ...taskModule('Dep2', 'return 2;'),
      ...taskModule('Good', "return 'fine';"),
    });
    const [worker] = await startWorkers(p.configFile, redis.url, ['f1']);
    const run = await runOnWorkers(p, redis.url);
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.status, 'failed');
    assert.equal(summary.tasks.Bad.status, 'failed');
    assert.match(summary.tasks.Bad.error ?? '', /boom on purpose/);
    assert.equal(summary.tasks.Bad.worker, 'f1');
    assert.equal(summary.tasks.Dep.status, 'skipped');
    assert.equal(summary.tasks.Dep2.status, 'skipped');
    assert.equal(summary.tasks.Good.status, 'succeeded');
    assert.equal(summary.results.Good, 'fine');
    const finished = run.events.find((e) => e.type === 'task-finished' && e.task === 'Bad');
    assert.ok(finished?.type === 'task-finished' && /bad\.js/.test(finished.error?.stack ?? ''), `the stack is the worker's: ${JSON.stringify(finished)}`);
    await assertNothingLeft(redis, summary.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });

  test('a timeout: the task times out on the worker, which frees its slot for the next task', LIMIT, async () => {
    // One slot: Next can only run once the worker gave up on Slow (it ignores its signal, as tasks may).
    const p = project([{ name: 'Slow', timeout: 1 }, { name: 'Next' }, { name: 'AfterSlow', dependencies: ['Slow'] }], {
      ...taskModule('Slow', 'await new Promise((resolve) => setTimeout(resolve, 30000)); return 1;'),
      ...taskModule('Next', "return 'next';"),
      ...taskModule('AfterSlow', 'return 1;'),
    });
    const [worker] = await startWorkers(p.configFile, redis.url, ['t1'], ['--concurrency', '1']);
    const run = await runOnWorkers(p, redis.url, { args: ['--concurrency', '1'] });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.tasks.Slow.status, 'timedOut');
    assert.match(summary.tasks.Slow.error ?? '', /timed out after 1s/);
    assert.equal(summary.tasks.AfterSlow.status, 'skipped');
    assert.equal(summary.tasks.Next.status, 'succeeded');
    assert.equal(summary.tasks.Next.worker, 't1');
    assert.ok(run.ms < 20_000, `the run took ${run.ms} ms, not Slow's 30 s`);
    await assertNothingLeft(redis, summary.runId);
    // Slow's code still waits for its timer: it must not keep the stopped worker alive.
    const stopping = Date.now();
    assert.equal(await stopWorker(worker), 0, worker.output());
    assert.ok(Date.now() - stopping < 5000, `stopped in ${Date.now() - stopping} ms`);
  });

  test('a retry: the second attempt is a new BullMQ job and succeeds', LIMIT, async () => {
    const p = project([{ name: 'Flaky', retries: 2, retryDelay: 0.1 }], {
      ...taskModule('Flaky', "if (ctx.attempt === 1) throw new Error('first attempt fails'); return { attempt: ctx.attempt };"),
    });
    const [worker] = await startWorkers(p.configFile, redis.url, ['r1']);
    const run = await runOnWorkers(p, redis.url);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.tasks.Flaky.status, 'succeeded');
    assert.equal(summary.tasks.Flaky.attempts, 2);
    assert.deepEqual(summary.results.Flaky, { attempt: 2 });
    const retrying = run.events.find((e) => e.type === 'task-retrying');
    assert.ok(retrying?.type === 'task-retrying' && retrying.error.message === 'first attempt fails', JSON.stringify(retrying));
    assert.deepEqual(assignedTo(run, 'Flaky'), ['r1', 'r1']);
    await assertNothingLeft(redis, summary.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });

  test('--max-result-size: a result over it fails its task with a clear message; smaller ones pass', LIMIT, async () => {
    const p = project([{ name: 'Big' }, { name: 'Small' }, { name: 'UsesBig', dependencies: ['Big'] }], {
      ...taskModule('Big', "return 'x'.repeat(200 * 1024);"),
      ...taskModule('Small', "return 'y'.repeat(50 * 1024).length;"),
      ...taskModule('UsesBig', 'return input.Big.length;'),
    });
    const [worker] = await startWorkers(p.configFile, redis.url, ['m1']);
    const run = await runOnWorkers(p, redis.url, { args: ['--max-result-size', '100KB'] });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    const { summary } = run;
    assert.equal(summary?.tasks.Big.status, 'failed');
    assert.match(summary.tasks.Big.error ?? '', /the result of Big is 200 KB of JSON, over the 100 KB allowed through Redis \(--max-result-size\)/);
    assert.equal(summary.tasks.Small.status, 'succeeded');
    assert.equal(summary.results.Small, 50 * 1024);
    assert.equal(summary.tasks.UsesBig.status, 'skipped');
    await assertNothingLeft(redis, summary.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });
});

describe('where Redis is', () => {
  test('FASTASYNCIO_REDIS_URL is used by run and worker when --redis is absent', LIMIT, async () => {
    const p = project([{ name: 'One' }], taskModule('One', 'return 1;'));
    const env = { FASTASYNCIO_REDIS_URL: redis.url };
    const worker = startWorker(p.configFile, undefined, { name: 'env1', env });
    await worker.ready;
    assert.match(worker.output(), new RegExp(`on redis://127\\.0\\.0\\.1:${redis.port}`));
    const run = await runOnWorkers(p, undefined, { env });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.summary?.tasks.One.worker, 'env1', 'the task ran on the worker, not locally');
    await assertNothingLeft(redis, run.summary.runId);
    assert.equal(await stopWorker(worker), 0, worker.output());
  });

  test('Redis keeps only the queue itself once the runs are over: no key of any run', LIMIT, async () => {
    const keys = await redis.keys();
    assert.deepEqual(
      keys.filter((k) => /:run:|\d{8}T\d{6}/.test(k)),
      [],
      `keys left: ${keys.join(', ')}`,
    );
  });
});
