// `serve --reuse-workers`: runs share a few long-lived workers. Real worker processes, observed through
// what tasks return (process.pid, a global left by an earlier run) and the runs' own events.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunEvent, RunSummary } from '../../engine/run/events';
import { events, readSse, serve, type Served, waitFor } from './harness';
import { taskModule } from '../helpers/project';

const FILES: Record<string, string> = {
  // What an earlier run in the same process left behind, and where this one ran.
  ...taskModule('Leak', 'const seen = globalThis.__left ?? null;\n    globalThis.__left = ctx.runId;\n    return { pid: process.pid, seen };'),
  // A module-level counter: the loader evaluates a module once per worker.
  'src/job/task/counter.js': 'let calls = 0;\nexports.Counter = class Counter { async execute() { calls++; return { pid: process.pid, calls }; } };\n',
  ...taskModule('Pid', 'await sleep(ctx.params.ms ?? 0, ctx.signal);\n    return process.pid;'),
  // Never settles: the scheduler abandons it at its timeout, its worker's loop still turns.
  ...taskModule('Hang', 'ctx.log(`pid ${process.pid}`);\n    await new Promise(() => undefined);'),
  // Blocks its worker's event loop past its timeout: the parent kills the worker.
  ...taskModule('Spin', 'ctx.log(`pid ${process.pid}`);\n    await sleep(20);\n    for (;;) {}'),
  // Kills its own worker.
  ...taskModule('Crash', "ctx.log(`pid ${process.pid}`);\n    await sleep(50);\n    process.kill(process.pid, 'SIGKILL');\n    await sleep(10000);"),
  // Ignores its cancel.
  ...taskModule('Deaf', 'ctx.log(`pid ${process.pid}`);\n    await new Promise((resolve) => setTimeout(resolve, 30000));'),
  // Says which run it is in, in a log line and in what it prints, several times over.
  ...taskModule(
    'Chatty',
    'for (let i = 0; i < 5; i++) {\n      ctx.log(`${ctx.runId} log ${i}`);\n      console.log(`${ctx.runId} print ${i}`);\n      await sleep(15);\n    }\n    return { pid: process.pid, runId: ctx.runId };',
  ),
};

const JOBS = [
  { name: 'leak', handler: 'GenericJobHandler', tasks: [{ name: 'Leak' }] },
  { name: 'counter', handler: 'GenericJobHandler', tasks: [{ name: 'Counter' }] },
  { name: 'pid', handler: 'GenericJobHandler', tasks: [{ name: 'Pid' }] },
  { name: 'hold', handler: 'GenericJobHandler', tasks: [{ name: 'Pid', params: { ms: 1500 } }] },
  { name: 'hang', handler: 'GenericJobHandler', tasks: [{ name: 'Hang', timeout: 0.2 }] },
  { name: 'spin', handler: 'GenericJobHandler', tasks: [{ name: 'Spin', timeout: 0.2 }] },
  { name: 'crash', handler: 'GenericJobHandler', tasks: [{ name: 'Crash' }] },
  { name: 'deaf', handler: 'GenericJobHandler', tasks: [{ name: 'Deaf' }] },
  { name: 'chatty', handler: 'GenericJobHandler', tasks: [{ name: 'Chatty' }] },
];

const served = (reuseWorkers: boolean) => serve({ config: { jobs: JOBS }, files: FILES, reuseWorkers });

/** Runs `job` to its end and returns its summary. */
async function run(api: Served, job: string): Promise<RunSummary> {
  return api.finished(await api.start(job));
}

/** A run's events, read from its stream to `run-finished`. */
async function eventsOf(api: Served, runId: string): Promise<RunEvent[]> {
  return events(await readSse(await api.request(`/runs/${runId}/events`)));
}

/** The pid a task logged as `pid <n>` in the run's events. */
async function loggedPid(api: Served, runId: string): Promise<number> {
  let pid: number | undefined;
  for (const event of await eventsOf(api, runId)) {
    const said = event.type === 'task-log' ? /^pid (\d+)$/.exec(event.message) : null;
    if (said) pid = Number(said[1]);
  }
  assert.ok(pid, `run ${runId} logged its pid`);
  return pid;
}

describe('serve --reuse-workers', () => {
  test('runs share a worker, and a global one run leaves is seen by the next', async () => {
    const api = await served(true);
    const one = await run(api, 'leak');
    const two = await run(api, 'leak');
    const three = await run(api, 'leak');
    const results = [one, two, three].map((s) => s.results.Leak as { pid: number; seen: string | null });
    assert.deepEqual(
      [one, two, three].map((s) => s.status),
      ['succeeded', 'succeeded', 'succeeded'],
    );
    // Two workers, the least busy first: with one run at a time the first takes them all.
    assert.equal(results[1].pid, results[0].pid, 'the second run ran in the first run’s worker');
    assert.equal(results[1].seen, one.runId, "the second run sees the first run's global");
    assert.equal(results[2].seen, two.runId);
    assert.ok(api.server.runs.pooledWorkers.includes(results[0].pid));
  });

  test("a task module is evaluated once per worker: its module-level state is shared by the worker's runs", async () => {
    const api = await served(true);
    const one = (await run(api, 'counter')).results.Counter as { pid: number; calls: number };
    const two = (await run(api, 'counter')).results.Counter as { pid: number; calls: number };
    assert.equal(two.pid, one.pid);
    assert.equal(two.calls, one.calls + 1);
  });

  test('without the flag every run has a worker of its own: nothing an earlier run left is seen', async () => {
    const api = await served(false);
    const one = (await run(api, 'leak')).results.Leak as { pid: number; seen: string | null };
    const two = (await run(api, 'leak')).results.Leak as { pid: number; seen: string | null };
    assert.notEqual(two.pid, one.pid);
    assert.equal(one.seen, null);
    assert.equal(two.seen, null);
    assert.deepEqual(api.server.runs.pooledWorkers, []);
  });

  test('a worker where a task timed out is never given another run', async () => {
    const api = await served(true);
    const hung = await api.start('hang');
    const summary = await api.finished(hung);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.tasks.Hang.status, 'timedOut');
    const pid = await loggedPid(api, hung);
    await waitFor(() => !api.server.runs.pooledWorkers.includes(pid), 'the worker to be retired');
    for (let i = 0; i < 3; i++) assert.notEqual((await run(api, 'pid')).results.Pid, pid, 'a later run is elsewhere');
    assert.ok(api.logs.some((line) => line.includes(`worker ${pid} retired: Hang of run ${hung} timed out`)));
  });

  test('a task that blocks its worker past its timeout: the worker is killed, the run goes on in another, and is never given the worker again', async () => {
    const api = await served(true);
    const spun = await api.start('spin');
    const summary = await api.finished(spun);
    assert.equal(summary.tasks.Spin.status, 'timedOut');
    const pid = await loggedPid(api, spun);
    const later = await run(api, 'pid');
    assert.equal(later.status, 'succeeded');
    assert.notEqual(later.results.Pid, pid);
  });

  test('a worker that crashes fails only the runs it held, and is replaced', async () => {
    const api = await served(true);
    // The first run holds one worker; the least busy, the other, takes the crash.
    const held = await api.start('hold');
    await waitFor(async () => (await api.json<RunSummary>(`/runs/${held}`)).body.tasks.Pid.status === 'running', 'the held run to start');
    const crashed = await api.start('crash');
    const crash = await api.finished(crashed);
    assert.equal(crash.status, 'failed');
    assert.equal(crash.tasks.Crash.status, 'failed');
    assert.match(crash.tasks.Crash.error ?? '', /the worker process was killed \(SIGKILL\)/);
    const pid = await loggedPid(api, crashed);
    const holding = await api.finished(held);
    assert.equal(holding.status, 'succeeded', 'the run in the other worker is not disturbed');
    assert.notEqual(holding.results.Pid, pid);
    const after = await run(api, 'pid');
    assert.equal(after.status, 'succeeded');
    assert.notEqual(after.results.Pid, pid, 'the crashed worker is gone');
    await waitFor(() => api.server.runs.pooledWorkers.length === 2, 'the pool to be whole again');
  });

  test('a run whose task ignores its cancel ends cancelled, and its worker is retired', async () => {
    const api = await served(true);
    const deaf = await api.start('deaf');
    await waitFor(async () => (await api.json<RunSummary>(`/runs/${deaf}`)).body.tasks.Deaf.status === 'running', 'the task to start');
    assert.equal((await api.request(`/runs/${deaf}/cancel`, { method: 'POST' })).status, 202);
    const summary = await api.finished(deaf);
    assert.equal(summary.status, 'cancelled');
    const pid = await loggedPid(api, deaf);
    await waitFor(() => !api.server.runs.pooledWorkers.includes(pid), 'the worker to be retired');
    assert.notEqual((await run(api, 'pid')).results.Pid, pid);
  });

  test('runs going on at once in one worker keep their events, lines and results apart', async () => {
    const api = await served(true);
    const ids = await Promise.all(Array.from({ length: 6 }, () => api.start('chatty')));
    const streams = await Promise.all(ids.map((id) => eventsOf(api, id)));
    const pids = new Map<number, number>();
    ids.forEach((runId, i) => {
      const list = streams[i];
      assert.deepEqual(
        list.map((e) => e.seq),
        list.map((_, n) => n + 1),
        'seqs from 1, one by one',
      );
      assert.ok(list.every((e) => e.runId === runId));
      const lines = list.flatMap((e) => (e.type === 'task-log' ? [e.message] : []));
      assert.deepEqual(
        lines.filter((l) => l.includes(' log ')),
        [0, 1, 2, 3, 4].map((n) => `${runId} log ${n}`),
      );
      assert.deepEqual(
        lines.filter((l) => l.includes(' print ')),
        [0, 1, 2, 3, 4].map((n) => `${runId} print ${n}`),
      );
      const finished = list.at(-1);
      assert.equal(finished?.type, 'run-finished');
      assert.equal(finished?.type === 'run-finished' && finished.status, 'succeeded');
    });
    for (const id of ids) {
      const result = (await api.finished(id)).results.Chatty as { pid: number; runId: string };
      assert.equal(result.runId, id);
      pids.set(result.pid, (pids.get(result.pid) ?? 0) + 1);
    }
    assert.ok(
      [...pids.values()].some((n) => n > 1),
      'some of the runs went on in the same worker',
    );
  });
});
