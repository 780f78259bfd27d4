import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunSummary } from '../../engine/run/events';
import { serve } from './harness';

describe('HTTP API under concurrent requests', () => {
  test('200 concurrent requests are all answered, correctly', async () => {
    const s = await serve();
    const runId = await s.start('quick');
    const summary = await s.finished(runId);
    const paths = Array.from({ length: 200 }, (_, i) => ['/runs/' + runId, '/jobs', '/health', '/jobs/quick', '/runs?limit=5'][i % 5]);
    const answers = await Promise.all(paths.map(async (p) => ({ path: p, ...(await s.json(p)) })));
    assert.equal(answers.length, 200);
    assert.deepEqual(
      answers.filter((a) => a.status !== 200),
      [],
    );
    for (const a of answers.filter((x) => x.path.startsWith('/runs/'))) assert.deepEqual(a.body, summary);
    for (const a of answers.filter((x) => x.path === '/health')) assert.deepEqual(a.body, { status: 'ok' });
  });

  test('concurrent run requests: exactly --max-active-runs start, the rest are refused with 429', async () => {
    const s = await serve({ maxActiveRuns: 8 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => s.json<{ runId?: string; status: number }>('/jobs/slow/runs', { method: 'POST' })));
    const accepted = answers.filter((a) => a.status === 202);
    assert.equal(accepted.length, 8);
    assert.equal(answers.filter((a) => a.status === 429).length, 12);
    assert.equal(s.server.runs.activeRuns, 8);
    assert.equal(new Set(accepted.map((a) => a.body.runId)).size, 8, 'distinct run ids');
    await Promise.all(accepted.map((a) => s.json(`/runs/${a.body.runId}/cancel`, { method: 'POST' })));
    const ended = await Promise.all(accepted.map((a) => s.finished(a.body.runId!)));
    assert.deepEqual(
      ended.map((x: RunSummary) => x.status),
      Array(8).fill('cancelled'),
    );
    assert.equal(s.server.runs.activeRuns, 0);
  });
});
