import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobModel } from '../../engine/config/types';
import type { RunEvent, RunSummary } from '../../engine/run/events';
import { LiveRun } from '../../engine/http/live-run';
import type { RunListItem as ListedRun } from '../../engine/run/recorded-runs';
import { taskModule } from '../helpers/project';
import { events, JOBS, readSse, serve, TASKS, waitFor } from './harness';
import { age, SyntheticRun } from './synthetic';

const CHATTY = 30_000;

describe('run records in the HTTP API', () => {
  test('a record of any size: listed from its first and last lines, summarised and replayed streamed; /health answers meanwhile', async () => {
    const s = await serve();
    const run = new SyntheticRun(s.project.root, '20250101T000000000Z-00000b', ['A'], undefined, 'quick')
      .started('A')
      .finished('A', 'succeeded', 20)
      .runFinished('succeeded', 4000);
    // 1 GB of zero bytes (sparse: no disk used), as a very long line between the events.
    run.writeWithGap(1024 * 1024 * 1024, 2);
    const small = new SyntheticRun(s.project.root, '20250101T000000000Z-00000a', ['A'], undefined, 'quick').started('A').finished('A').runFinished();
    small.write();

    const list = await s.json<{ runs: ListedRun[] }>('/runs?limit=20');
    assert.deepEqual(list.body.runs, [
      { runId: run.runId, job: 'quick', status: 'succeeded', durationMs: 4000 },
      { runId: small.runId, job: 'quick', status: 'succeeded', durationMs: 3000 },
    ]);

    // The whole summary reads the gigabyte; the server answers other requests while it does.
    const order: string[] = [];
    const summary = s.json<RunSummary>(`/runs/${run.runId}`).then((answer) => (order.push('summary'), answer));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const health = s.json('/health').then((answer) => (order.push('health'), answer));
    const [whole, up] = await Promise.all([summary, health]);
    assert.equal(up.status, 200);
    assert.deepEqual(order, ['health', 'summary'], '/health did not wait for the record');
    assert.equal(whole.status, 200);
    assert.deepEqual([whole.body.status, whole.body.results], ['succeeded', { A: 20 }]);

    const replay = events(await readSse(await s.request(`/runs/${run.runId}/events`)));
    assert.deepEqual(
      replay.map((e) => e.seq),
      [1, 2, 3, 4],
    );
    assert.equal((await s.request(`/runs/${run.runId}/events`, { headers: { 'last-event-id': '4' } })).status, 204);
  });

  test('records that cannot be read are listed with what can be said, and answer GET /runs/{runId}', async () => {
    const s = await serve();
    const garbage = '20250101T000000000Z-00000c';
    const file = s.project.write(`.fastasyncio/runs/${garbage}.jsonl`, 'not a record\n');
    age(file, 30 * 60_000);
    const list = await s.json<{ runs: ListedRun[] }>('/runs');
    assert.equal(list.body.runs.length, 1);
    assert.equal(list.body.runs[0].status, 'interrupted');
    const summary = await s.json<RunSummary>(`/runs/${garbage}`);
    assert.equal(summary.status, 200);
    assert.equal(summary.body.status, 'interrupted');
    assert.match(summary.body.error ?? '', /names no process that owns it/);
  });

  test('a chatty run: every event streamed once, in order, live and from the record; once finished, memory keeps its summary only', async () => {
    const s = await serve({
      config: { jobs: [...JOBS, { name: 'chatty', handler: 'GenericJobHandler', tasks: [{ name: 'Chatty' }] }] },
      files: {
        ...TASKS,
        ...taskModule('Chatty', `for (let i = 0; i < ${CHATTY}; i++) { ctx.log('line ' + i); if (i % 1000 === 999) await sleep(30); }\n    return 'said';`),
      },
    });
    const runId = await s.start('chatty');
    const found = await s.server.runs.find(runId);
    assert.equal(found?.kind, 'live');
    const run = found.kind === 'live' ? found.run : undefined!;
    const fromStart = readSse(await s.request(`/runs/${runId}/events`));
    // Past what memory keeps: this stream starts from the record, then follows the run live.
    await waitFor(() => run.state.lastSeq > 10_000 || run.finished, 'the run to be 10,000 events along');
    const lateJoiner = readSse(await s.request(`/runs/${runId}/events`));
    const [first, second] = (await Promise.all([fromStart, lateJoiner])).map(events);
    for (const stream of [first, second]) {
      assert.deepEqual(
        stream.map((e) => e.seq),
        stream.map((_, i) => i + 1),
        'every event once, in order',
      );
      assert.equal(stream.filter((e) => e.type === 'task-log').length, CHATTY);
      assert.equal(stream[stream.length - 1].type, 'run-finished');
    }
    assert.equal((await s.finished(runId)).status, 'succeeded');
    await waitFor(() => run.settled, 'the runner to return');
    assert.equal(run.eventsAfter(0), undefined, 'no events in memory once finished');
    const replayed = events(await readSse(await s.request(`/runs/${runId}/events`)));
    assert.deepEqual(
      replayed.map((e) => [e.seq, e.type]),
      first.map((e) => [e.seq, e.type]),
    );
  });

  test('a live run keeps its latest events only; a stream catches up from the record', () => {
    const job = { name: 'j', tasks: [] } as unknown as JobModel;
    const run = new LiveRun('20250101T000000000Z-00000d', job, '/nowhere', 1);
    const log = (seq: number): RunEvent => ({ type: 'task-log', runId: run.runId, seq, time: seq, task: 'A', message: 'x'.repeat(100) });
    for (let seq = 1; seq <= 10_000; seq++) run.push(log(seq));
    assert.equal(run.eventsAfter(0), undefined, 'the first events are in the record only');
    assert.deepEqual(
      run.eventsAfter(9_990)?.map((e) => e.seq),
      [9_991, 9_992, 9_993, 9_994, 9_995, 9_996, 9_997, 9_998, 9_999, 10_000],
    );
    assert.deepEqual(run.eventsAfter(10_000), []);
    const kept = 10_000 - (run.eventsAfter(10_000 - 4096)?.length ?? 0);
    assert.ok(kept >= 10_000 - 4096, 'at most 4096 kept');
    run.push({ type: 'task-log', runId: run.runId, seq: 10_001, time: 1, task: 'A', message: 'x'.repeat(5 * 1024 * 1024) });
    assert.deepEqual(
      run.eventsAfter(10_000)?.map((e) => e.seq),
      [10_001],
      'a huge line pushes the others out',
    );
    assert.equal(run.eventsAfter(9_999), undefined);
    run.settle(false);
    assert.equal(run.eventsAfter(10_000), undefined, 'settled: all in the record');
  });
});
