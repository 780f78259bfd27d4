import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JOBS, serve } from './harness';

interface Refusal {
  type: string;
  detail?: string;
  diagnostics: { code: string; severity: string }[];
}

const broken = { name: 'broken', handler: 'GenericJobHandler', tasks: [{ name: 'A', dependencies: ['Nope'] }] };

describe('POST /jobs/{job}/runs: a job with errors does not stop the other jobs', () => {
  test('a config that was never valid runs its jobs without errors; the broken one is 422 with its own diagnostics', async () => {
    const s = await serve({ config: { jobs: [...JOBS, broken] } });
    const started = await s.json<{ runId: string; configVersion: number }>('/jobs/quick/runs', { method: 'POST' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.configVersion, 1);
    assert.equal((await s.finished(started.body.runId)).status, 'succeeded');

    const refused = await s.json<Refusal>('/jobs/broken/runs', { method: 'POST' });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.type, 'urn:fastasyncio:problem:config-has-errors');
    assert.match(refused.body.detail ?? '', /has 1 error\(s\) that stop "broken"/);
    assert.deepEqual(
      refused.body.diagnostics.map((d) => d.code),
      ['unknown-dependency'],
    );
  });

  test('a new version with an error in another job: the job runs from the new version', async () => {
    const s = await serve();
    const changed = JOBS.map((j) => (j.name === 'quick' ? { ...j, tasks: [{ name: 'C' }] } : j));
    s.writeConfig({ jobs: [...changed, broken] });
    const started = await s.json<{ runId: string; configVersion: number }>('/jobs/quick/runs', { method: 'POST' });
    assert.equal(started.status, 202);
    assert.equal(started.body.configVersion, 2, 'the latest version, not the one in effect');
    const summary = await s.finished(started.body.runId);
    assert.deepEqual({ ...summary.results }, { C: { c: true } });
  });

  test('a new version with an error in the job itself: the version in effect runs it', async () => {
    const s = await serve();
    s.writeConfig({ jobs: JOBS.map((j) => (j.name === 'quick' ? { ...j, tasks: [{ name: 'A', dependencies: ['Nope'] }] } : j)) });
    const started = await s.json<{ runId: string; configVersion: number }>('/jobs/quick/runs', { method: 'POST' });
    assert.equal(started.status, 202);
    assert.equal(started.body.configVersion, 1);
  });

  test('an error at the top level stops every job', async () => {
    const s = await serve({ config: { jobs: JOBS, taskDir: '' } });
    const refused = await s.json<Refusal>('/jobs/quick/runs', { method: 'POST' });
    assert.equal(refused.status, 422);
    assert.deepEqual(
      refused.body.diagnostics.map((d) => d.code),
      ['schema'],
    );
    assert.deepEqual(s.project.records(), [], 'nothing ran');
  });
});
