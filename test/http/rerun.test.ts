// `POST /jobs/{job}/runs` with `{ from, only, params, force }`: re-runs over the HTTP API, and the problem
// details of the ones that cannot be done.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { serve } from './harness';

const post = (body: object) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('re-runs over HTTP', () => {
  test('from, only and params start re-runs; reused tasks say where their results come from', async () => {
    const s = await serve();
    const first = await s.finished(await s.start('quick'));
    assert.equal(first.status, 'succeeded');
    const again = await s.finished(await s.start('quick', { from: first.runId }));
    assert.equal(again.status, 'succeeded');
    for (const task of ['A', 'B', 'C']) assert.equal(again.tasks[task].reused, first.runId, task);
    assert.equal(again.results.B, 21);

    const only = await s.finished(await s.start('quick', { only: ['B'], params: { B: { note: 'x' } } }));
    assert.deepEqual(Object.keys(only.tasks).sort(), ['A', 'B']);
    assert.equal(only.tasks.A.reused, again.runId, 'the latest run where A succeeded');
    assert.equal(only.tasks.B.attempts, 1);
  });

  test('re-runs that cannot be done are problem details: 409 for changed results, 422 for missing ones, 400 for a bad body', async () => {
    const s = await serve();
    const missing = await s.json<{ type: string; status: number; detail: string }>('/jobs/quick/runs', post({ only: ['B'] }));
    assert.equal(missing.status, 422);
    assert.equal(missing.body.type, 'urn:fastasyncio:problem:results-missing');
    assert.match(missing.body.detail, /no earlier run of quick has a result for A, which B needs/);

    const first = await s.finished(await s.start('quick'));
    fs.appendFileSync(path.join(s.project.root, 'src/job/task/a.js'), '// edited\n');
    const changed = await s.json<{ type: string; detail: string }>('/jobs/quick/runs', post({ from: first.runId }));
    assert.equal(changed.status, 409);
    assert.equal(changed.body.type, 'urn:fastasyncio:problem:results-changed');
    assert.match(changed.body.detail, /src\/job\/task\/a\.js \(A's module\) changed since run/);
    const forced = await s.json<{ runId: string }>('/jobs/quick/runs', post({ from: first.runId, force: true }));
    assert.equal(forced.status, 202);
    assert.equal((await s.finished(forced.body.runId)).tasks.A.reused, first.runId);

    const unknown = await s.json<{ type: string; detail: string }>('/jobs/quick/runs', post({ only: ['Nope'] }));
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.type, 'urn:fastasyncio:problem:invalid-rerun');
    for (const body of [{ from: 'yesterday' }, { only: [] }, { only: 'A' }, { params: { A: 5 } }, { force: 'yes' }]) {
      const bad = await s.json<{ type: string }>('/jobs/quick/runs', post(body));
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.body.type, 'urn:fastasyncio:problem:malformed-request');
    }
  });
});
