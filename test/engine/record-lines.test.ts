import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunEvent } from '../../engine/run/events';
import { MAX_RECORDED_RESULT, serialise } from '../../engine/run/recorder';

/**
 * The recorder writes the scheduler's task events by hand (recorder.ts, `taskLine`): every line must be
 * the characters `JSON.stringify` writes, whatever the event holds, and a shape it does not know goes
 * the general way.
 */
const json = (event: unknown) => JSON.stringify(event) + '\n';
const base = { runId: '20261203-105000-ab"cd', seq: 7, time: 1764759000123 };

const started = (extra: Record<string, unknown> = {}) => ({ type: 'task-started', ...base, task: 'T1', attempt: 1, ...extra }) as RunEvent;
const finished = (extra: Record<string, unknown> = {}) =>
  ({ type: 'task-finished', ...base, task: 'T1', status: 'succeeded', attempts: 1, durationMs: 0.123456789012345, ...extra }) as RunEvent;

describe('record lines', () => {
  test('task events are the characters JSON.stringify writes', () => {
    const events: RunEvent[] = [
      started(),
      started({ task: 'naïve "quoted"\n\u2028 \ud800 task', attempt: 3 }),
      started({ seq: -0, time: NaN, attempt: Infinity }),
      finished(),
      finished({ result: 1 }),
      finished({ result: -0 }),
      finished({ result: 1e21 }),
      finished({ result: NaN }),
      finished({ result: 'text with "quotes" and \\ and \u0007' }),
      finished({ result: true }),
      finished({ result: false }),
      finished({ result: null }),
      finished({ result: { a: [1, 'b', null] } }),
      finished({ result: [1, 2] }),
      finished({ result: new Date(0) }),
      finished({ result: undefined }),
      finished({ status: 'failed', error: { message: 'boom', stack: 'Error: boom\n at x' } }),
      finished({ status: 'skipped', attempts: 0, durationMs: 0, error: { message: 'skipped' } }),
      finished({ reused: '20261201-000000-abcd', result: 5 }),
      // Re-run events come with their keys in another order.
      { type: 'task-finished', task: 'T1', status: 'succeeded', attempts: 0, durationMs: 0, reused: 'r', result: 2, ...base },
      { type: 'task-started', task: 'T1', attempt: 1, ...base },
      // Keys the scheduler never sets, and values of the wrong kind.
      started({ stream: 'stdout' }),
      finished({ result: 1, extra: 2 }),
      finished({ attempts: '1' }),
      { ...started(), runId: 5 } as unknown as RunEvent,
      { ...finished(), seq: '8' } as unknown as RunEvent,
      { type: 'run-log', ...base, message: 'hello' },
    ];
    for (const event of events) assert.equal(serialise(event), json(event), JSON.stringify(event));
  });

  test('an inherited enumerable key or toJSON does not change a line', () => {
    const proto = { inherited: 1 };
    const event = Object.assign(Object.create(proto) as object, finished({ result: 1 }));
    assert.equal(serialise(event), json(event));
    const own = Object.assign(finished({ result: 1 }), { toJSON: () => 'x' });
    assert.equal(serialise(own), json(own));
    // A toJSON planted on Object.prototype is ignored, as `stringifyImmune` ignores it.
    const expected = json(started());
    Object.defineProperty(Object.prototype, 'toJSON', { value: () => 'polluted', configurable: true, writable: true });
    try {
      assert.equal(serialise(started()), expected);
      assert.match(serialise(finished({ result: { a: 1 } })), /"result":\{"a":1\}\}\n$/);
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
    }
  });

  test('a large string result is still replaced by a note', () => {
    const line = serialise(finished({ result: 'x'.repeat(MAX_RECORDED_RESULT + 10) }));
    const parsed = JSON.parse(line) as { result: { $truncated: boolean; bytes: number } };
    assert.equal(parsed.result.$truncated, true);
    assert.equal(parsed.result.bytes, MAX_RECORDED_RESULT + 12);
  });
});
