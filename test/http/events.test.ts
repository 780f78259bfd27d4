import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunEvent } from '../../engine/run/events';
import { createServer } from '../../engine/http/server';
import { events, readSse, serve, type SseMessage } from './harness';

describe('GET /runs/{runId}/events (server-sent events)', () => {
  test('streams a run live from its first event to run-finished, then ends; ids are the event seqs', async () => {
    const s = await serve();
    const runId = await s.start('steps');
    const response = await s.request(`/runs/${runId}/events`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const received: number[] = [];
    const messages = await readSse(response, () => received.push(Date.now()));
    const stream = events(messages);
    assert.equal(stream[0].type, 'run-started');
    assert.equal(stream[stream.length - 1].type, 'run-finished');
    assert.deepEqual(
      stream.map((e) => e.seq),
      stream.map((_, i) => i + 1),
      'every event once, in order',
    );
    assert.deepEqual(
      messages.map((m) => m.id),
      stream.map((e) => String(e.seq)),
    );
    assert.ok(stream.every((e) => e.runId === runId));
    assert.deepEqual(
      stream.filter((e) => e.type === 'task-log' && e.task === 'Steps').map((e) => (e as { message: string }).message),
      ['step 0', 'step 1', 'step 2', 'step 3', 'step 4'],
    );
    const finished = stream[stream.length - 1];
    assert.ok(received[0] < finished.time, 'the first events arrived while the run was still going');
    assert.equal(finished.type === 'run-finished' && finished.status, 'succeeded');
  });

  test('Last-Event-ID resumes after that event, live or replayed; after run-finished it answers 204', async () => {
    const s = await serve();
    const runId = await s.start('steps');
    // Read the first three events, then drop the connection.
    const controller = new AbortController();
    const first: SseMessage[] = [];
    const response = await s.request(`/runs/${runId}/events`, { signal: controller.signal });
    await readSse(response, (m) => {
      if (first.length === 3) return; // the rest of a chunk already received
      first.push(m);
      if (first.length === 3) controller.abort();
    }).catch((error: unknown) => assert.equal((error as Error).name, 'AbortError'));
    assert.deepEqual(
      first.map((m) => m.id),
      ['1', '2', '3'],
    );
    // Reconnect as an EventSource would.
    const rest = events(await readSse(await s.request(`/runs/${runId}/events`, { headers: { 'last-event-id': '3' } })));
    assert.equal(rest[0].seq, 4);
    assert.equal(rest[rest.length - 1].type, 'run-finished');
    const whole = events(await readSse(await s.request(`/runs/${runId}/events`)));
    assert.deepEqual([...events(first), ...rest], whole, 'nothing lost, nothing twice');

    const last = whole[whole.length - 1].seq;
    const tail = events(await readSse(await s.request(`/runs/${runId}/events`, { headers: { 'last-event-id': String(last - 2) } })));
    assert.deepEqual(tail, whole.slice(-2));
    const done = await s.request(`/runs/${runId}/events`, { headers: { 'last-event-id': String(last) } });
    assert.equal(done.status, 204, 'tells an EventSource to stop reconnecting');
    assert.equal(await done.text(), '');
  });

  test('a run known only from its record is replayed from it, and resumes the same way', async () => {
    const s = await serve();
    const runId = await s.start('quick');
    await s.finished(runId);
    const live = events(await readSse(await s.request(`/runs/${runId}/events`)));
    const other = createServer({ configFile: s.project.configFile, port: 0, watch: false, log: () => {} });
    const url = await other.listen();
    try {
      const replayed = events(await readSse(await fetch(`${url}/runs/${runId}/events`)));
      assert.deepEqual(replayed, live);
      const resumed = events(await readSse(await fetch(`${url}/runs/${runId}/events`, { headers: { 'last-event-id': '2' } })));
      assert.deepEqual(resumed, live.slice(2));
      assert.equal((await fetch(`${url}/runs/${runId}/events`, { headers: { 'last-event-id': String(live.length) } })).status, 204);
    } finally {
      await other.close();
    }
  });

  test('several clients follow the same run and get the same events', async () => {
    const s = await serve();
    const runId = await s.start('steps');
    const streams = await Promise.all([1, 2, 3].map(async () => events(await readSse(await s.request(`/runs/${runId}/events`)))));
    const [a, b, c] = streams;
    assert.equal(a[a.length - 1].type, 'run-finished');
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
  });

  test('a cancelled run streams to its cancelled run-finished', async () => {
    const s = await serve();
    const runId = await s.start('slow');
    const seen: RunEvent[] = [];
    const reading = readSse(await s.request(`/runs/${runId}/events`), (m) => {
      const event = JSON.parse(m.data) as RunEvent;
      seen.push(event);
      if (event.type === 'task-started') void s.request(`/runs/${runId}/cancel`, { method: 'POST' });
    });
    await reading;
    const last = seen[seen.length - 1];
    assert.equal(last.type, 'run-finished');
    assert.equal(last.type === 'run-finished' && last.status, 'cancelled');
  });

  test('an unknown run is 404, a malformed Last-Event-ID 400, both as problem details', async () => {
    const s = await serve();
    const unknown = await s.json<{ status: number; type: string }>('/runs/20200101T000000000Z-abcdef/events');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(unknown.body.type, 'urn:fastasyncio:problem:run-not-found');
    const runId = await s.start('quick');
    await s.finished(runId);
    const bad = await s.json<{ status: number; errors: { in: string }[] }>(`/runs/${runId}/events`, { headers: { 'last-event-id': 'abc' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].in, 'headers');
  });
});
