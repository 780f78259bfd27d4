import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import type { RunSummary } from '../../engine/run/events';
import { JOBS, serve, waitFor } from './harness';

interface JobList {
  config: { version: number; valid: boolean; inEffect: number | null; error?: string };
  diagnostics: { code: string; severity: string; message: string; range: { start: { line: number } } }[];
  jobs: { name: string }[];
}

const withJob = (job: object) => ({ jobs: [...JOBS, job] });

describe('the served config changes while serving', () => {
  test('a valid edit takes effect for new runs', async () => {
    const s = await serve();
    s.writeConfig(withJob({ name: 'fresh', handler: 'GenericJobHandler', tasks: [{ name: 'C' }] }));
    const jobs = await s.json<JobList>('/jobs');
    assert.deepEqual(jobs.body.config, { version: 2, valid: true, inEffect: 2 });
    assert.deepEqual(
      jobs.body.jobs.map((j) => j.name),
      ['quick', 'slow', 'failing', 'steps', 'fresh'],
    );
    const started = await s.json<{ runId: string; configVersion: number }>('/jobs/fresh/runs', { method: 'POST' });
    assert.equal(started.status, 202);
    assert.equal(started.body.configVersion, 2);
    const summary = await s.finished(started.body.runId);
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual(summary.results, { C: { c: true } });
  });

  test('an invalid edit is reported by GET /jobs while the last valid version stays in effect, even for the worker', async () => {
    const s = await serve();
    // Broken JSON on disk: new runs still use version 1 (the worker gets its text, not the file's).
    s.writeConfig('{\n  "jobs": [\n    { "name": "quick", ');
    const broken = await s.json<JobList>('/jobs');
    assert.deepEqual(broken.body.config, { version: 2, valid: false, inEffect: 1 });
    assert.equal(broken.body.diagnostics[0].code, 'syntax');
    assert.equal(broken.body.diagnostics[0].severity, 'error');
    assert.deepEqual(
      broken.body.jobs.map((j) => j.name),
      ['quick', 'slow', 'failing', 'steps'],
      'the jobs in effect',
    );
    const started = await s.json<{ runId: string; configVersion: number }>('/jobs/quick/runs', { method: 'POST' });
    assert.equal(started.status, 202);
    assert.equal(started.body.configVersion, 1);
    const summary = await s.finished(started.body.runId);
    assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
    assert.deepEqual(summary.results, { A: 20, B: 21, C: { c: true } });

    // A job that only the invalid version has cannot run: 422 with its diagnostics.
    s.writeConfig(withJob({ name: 'fresh', handler: 'GenericJobHandler', tasks: [{ name: 'C', dependencies: ['Nope'] }] }));
    const invalid = await s.json<JobList>('/jobs');
    assert.deepEqual(invalid.body.config, { version: 3, valid: false, inEffect: 1 });
    assert.deepEqual(
      invalid.body.diagnostics.map((p) => p.code),
      ['unknown-dependency'],
    );
    const refused = await s.json<{ status: number; diagnostics: { code: string }[] }>('/jobs/fresh/runs', { method: 'POST' });
    assert.equal(refused.status, 422);
    assert.deepEqual(
      refused.body.diagnostics.map((d) => d.code),
      ['unknown-dependency'],
    );

    // Fixed: it takes effect.
    s.writeConfig(withJob({ name: 'fresh', handler: 'GenericJobHandler', tasks: [{ name: 'C' }] }));
    assert.deepEqual((await s.json<JobList>('/jobs')).body.config, { version: 4, valid: true, inEffect: 4 });
    assert.equal((await s.finished(await s.start('fresh'))).status, 'succeeded');
  });

  test('a run already going is not disturbed by an edit', async () => {
    const s = await serve({
      config: withJob({
        name: 'long',
        handler: 'GenericJobHandler',
        tasks: [
          { name: 'Slow', params: { ms: 1500 } },
          { name: 'B2', task: 'C', dependencies: ['Slow'] },
        ],
      }),
    });
    const runId = await s.start('long');
    await waitFor(async () => (await s.json<RunSummary>(`/runs/${runId}`)).body.tasks.Slow?.status === 'running', 'Slow to be running');
    // Remove the job, then break the file: the run goes on with the version it started with.
    s.writeConfig({ jobs: JOBS });
    assert.equal((await s.json('/jobs/long/runs', { method: 'POST' })).status, 404);
    s.writeConfig('not json');
    assert.equal((await s.json<JobList>('/jobs')).body.config.valid, false);
    const summary = await s.finished(runId);
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.results.Slow, 'slept');
    assert.deepEqual(Object.keys(summary.tasks), ['Slow', 'B2']);
  });

  test('the watcher notices edits of the config and of its task folder without a request', async () => {
    const s = await serve({ config: withJob({ name: 'later', handler: 'GenericJobHandler', tasks: [{ name: 'Later' }] }) });
    const first = await s.json<JobList>('/jobs');
    assert.deepEqual(first.body.config, { version: 1, valid: false, inEffect: null });
    assert.deepEqual(
      first.body.diagnostics.map((p) => p.code),
      ['missing-task'],
    );
    // The missing module appears: the config text is the same, its analysis is not.
    s.project.write('src/job/task/later.js', "exports.Later = class Later { async execute() { return 'late'; } };\n");
    await waitFor(() => s.server.config.inEffect?.version === 2, 'the watcher to re-analyse the config');
    assert.equal((await s.finished(await s.start('later'))).results.Later, 'late');
    // An edit of the config itself, seen by the watcher alone (no request in between).
    s.writeConfig({ jobs: JOBS });
    await waitFor(() => s.server.config.version === 3, 'the watcher to read the new version');
    assert.equal(s.server.config.inEffect?.version, 3);
  });

  test('a config file that disappears is reported; the last valid version stays in effect', async () => {
    const s = await serve();
    fs.rmSync(s.project.configFile);
    const gone = await s.json<JobList>('/jobs');
    assert.equal(gone.body.config.valid, false);
    assert.equal(gone.body.config.inEffect, 1);
    assert.match(gone.body.config.error ?? '', /cannot read .*job_config\.json: no such file/);
    assert.equal((await s.finished(await s.start('quick'))).status, 'succeeded');
    s.writeConfig({ jobs: JOBS });
    assert.deepEqual((await s.json<JobList>('/jobs')).body.config, { version: 3, valid: true, inEffect: 3 });
  });
});
