import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import type { RunSummary } from '../../engine/run/events';
import { isRunId, newRunId } from '../../engine/run/records';
import { RUN_ID_PATTERN } from '../../engine/run/records';
import { createServer } from '../../engine/http/server';
import { serve, TASKS, waitFor } from './harness';
import { taskModule } from '../helpers/project';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

/** Validates answers against the schemas of the server's own OpenAPI document. */
async function documentValidator(s: Awaited<ReturnType<typeof serve>>) {
  const doc = (await s.json<{ components: { schemas: Record<string, object> } }>('/openapi.json')).body;
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'doc', components: doc.components });
  return (name: string, value: unknown) => {
    const validate = ajv.getSchema(`doc#/components/schemas/${name}`)!;
    assert.ok(validate(value), `${name}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(value)}`);
  };
}

describe('HTTP API endpoints', () => {
  test('GET /health answers ok', async () => {
    const s = await serve();
    const { status, body } = await s.json('/health');
    assert.equal(status, 200);
    assert.deepEqual(body, { status: 'ok' });
  });

  test('GET /openapi.json documents every route with its parameters, bodies, answers and problems', async () => {
    const s = await serve();
    const { status, headers, body } = await s.json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: unknown }>
      >;
    }>('/openapi.json');
    assert.equal(status, 200);
    assert.match(headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(body.openapi, '3.1.0');
    assert.deepEqual(Object.keys(body.paths).sort(), [
      '/health',
      '/jobs',
      '/jobs/{job}',
      '/jobs/{job}/runs',
      '/openapi.json',
      '/runs',
      '/runs/{runId}',
      '/runs/{runId}/cancel',
      '/runs/{runId}/events',
    ]);
    const documented = Object.entries(body.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const registered = s.server.routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    assert.deepEqual(documented.sort(), registered.sort());
    const start = body.paths['/jobs/{job}/runs'].post;
    assert.deepEqual(
      start.parameters?.map((p) => `${p.in}:${p.name}`),
      ['path:job'],
    );
    assert.ok(start.requestBody);
    assert.deepEqual(Object.keys(start.responses).sort(), ['202', '400', '404', '409', '413', '415', '422', '429', '500', '503']);
    assert.ok(start.responses['422'].content?.['application/problem+json']);
    assert.ok(body.paths['/runs/{runId}/events'].get.responses['200'].content?.['text/event-stream']);
    assert.deepEqual(
      body.paths['/runs/{runId}/events'].get.parameters?.map((p) => `${p.in}:${p.name}`),
      ['path:runId', 'header:last-event-id'],
    );
    assert.deepEqual(
      body.paths['/runs'].get.parameters?.map((p) => `${p.in}:${p.name}`),
      ['query:limit', 'query:before'],
    );
  });

  test('GET /jobs lists the jobs and the current problems; GET /jobs/{job} is the plan', async () => {
    const s = await serve();
    const check = await documentValidator(s);
    const jobs = await s.json<{
      config: { version: number; valid: boolean; inEffect: number };
      diagnostics: unknown[];
      jobs: { name: string; tasks: { name: string; dependencies: string[] }[] }[];
    }>('/jobs');
    assert.equal(jobs.status, 200);
    check('JobList', jobs.body);
    assert.deepEqual(jobs.body.config, { version: 1, valid: true, inEffect: 1 });
    assert.deepEqual(jobs.body.diagnostics, []);
    assert.deepEqual(
      jobs.body.jobs.map((j) => j.name),
      ['quick', 'slow', 'failing', 'steps'],
    );
    assert.deepEqual(jobs.body.jobs[0].tasks[1], { name: 'B', task: 'B', dependencies: ['A'] });

    const plan = await s.json<{ job: string; stages: { index: number; tasks: string[]; after: string[] }[]; tasks: { name: string; stage: number }[] }>(
      '/jobs/quick',
    );
    assert.equal(plan.status, 200);
    check('JobPlan', plan.body);
    assert.equal(plan.body.job, 'quick');
    assert.deepEqual(plan.body.stages, [
      { index: 1, tasks: ['A', 'C'], after: [] },
      { index: 2, tasks: ['B'], after: ['A'] },
    ]);
    assert.deepEqual(
      plan.body.tasks.map((t) => [t.name, t.stage]),
      [
        ['A', 1],
        ['B', 2],
        ['C', 1],
      ],
    );
  });

  test("POST /jobs/{job}/runs answers 202 with a Location; GET /runs/{runId} is the CLI's JSON summary", async () => {
    const s = await serve();
    const check = await documentValidator(s);
    const started = await s.json<{ runId: string; job: string; status: string; href: string; events: string; configVersion: number }>('/jobs/quick/runs', {
      method: 'POST',
    });
    assert.equal(started.status, 202);
    check('RunAccepted', started.body);
    const { runId } = started.body;
    assert.ok(isRunId(runId));
    assert.equal(started.headers.get('location'), `/runs/${runId}`);
    assert.deepEqual(started.body, { runId, job: 'quick', status: 'running', configVersion: 1, href: `/runs/${runId}`, events: `/runs/${runId}/events` });

    const summary = await s.finished(runId);
    check('RunSummary', summary);
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual(summary.results, { A: 20, B: 21, C: { c: true } });

    // The same object, key for key, as `fastasyncio run --format json` prints for the same job.
    const cli = spawnSync(process.execPath, [CLI, 'run', s.project.configFile, 'quick', '--format', 'json'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const printed = JSON.parse(cli.stdout) as RunSummary;
    const shape = (x: RunSummary) => ({
      keys: Object.keys(x),
      tasks: Object.fromEntries(Object.entries(x.tasks).map(([k, v]) => [k, Object.keys(v)])),
      results: x.results,
      status: x.status,
      job: x.job,
    });
    assert.deepEqual(shape(summary), shape(printed));
  });

  test('GET /runs/{runId} is live while the run goes on', async () => {
    const s = await serve();
    const runId = await s.start('slow', { concurrency: 1 });
    let live: RunSummary | undefined;
    await waitFor(async () => {
      live = (await s.json<RunSummary>(`/runs/${runId}`)).body;
      return live.tasks.Slow?.status === 'running';
    }, 'Slow to be running');
    assert.equal(live!.status, 'running');
    assert.equal(live!.tasks.After.status, 'pending');
    assert.deepEqual(live!.results, {});
    const later = (await s.json<RunSummary>(`/runs/${runId}`)).body;
    assert.ok(later.durationMs >= live!.durationMs, 'the live duration grows');
    await s.json(`/runs/${runId}/cancel`, { method: 'POST' });
    await s.finished(runId);
  });

  test('GET /runs pages through recent runs, newest first, including records the server did not start', async () => {
    const s = await serve();
    // A run recorded by the CLI before: listed from its record.
    const cli = spawnSync(process.execPath, [CLI, 'run', s.project.configFile, 'failing', '--format', 'json'], { encoding: 'utf8' });
    assert.equal(cli.status, 1, cli.stderr);
    const fromCli = (JSON.parse(cli.stdout) as RunSummary).runId;
    const first = await s.start('quick');
    await s.finished(first);
    const second = await s.start('quick');
    await s.finished(second);

    const page1 = await s.json<{ runs: { runId: string; job: string; status: string; durationMs: number }[]; next?: string }>('/runs?limit=2');
    assert.equal(page1.status, 200);
    assert.deepEqual(
      page1.body.runs.map((r) => r.runId),
      [second, first],
    );
    assert.deepEqual(page1.body.runs[0], { runId: second, job: 'quick', status: 'succeeded', durationMs: page1.body.runs[0].durationMs });
    assert.equal(page1.body.next, `/runs?limit=2&before=${first}`);
    const page2 = await s.json<{ runs: { runId: string; status: string }[]; next?: string }>(page1.body.next);
    assert.deepEqual(
      page2.body.runs.map((r) => [r.runId, r.status]),
      [[fromCli, 'failed']],
    );
    assert.equal(page2.body.next, undefined);
    const all = await s.json<{ runs: unknown[] }>('/runs');
    assert.equal(all.body.runs.length, 3);
  });

  test('a run that is not in memory any more is read from its record', async () => {
    const s = await serve();
    const runId = await s.start('quick');
    const summary = await s.finished(runId);
    // A second server over the same project knows the run only from its record.
    const other = createServer({ configFile: s.project.configFile, port: 0, watch: false, log: () => {} });
    const url = await other.listen();
    try {
      const answer = await fetch(`${url}/runs/${runId}`);
      assert.equal(answer.status, 200);
      assert.deepEqual(await answer.json(), summary);
    } finally {
      await other.close();
    }
  });

  test('POST /runs/{runId}/cancel cancels a running run (202); a finished one is left as it is (200)', async () => {
    const s = await serve();
    const runId = await s.start('slow');
    await waitFor(async () => (await s.json<RunSummary>(`/runs/${runId}`)).body.tasks.Slow?.status === 'running', 'Slow to be running');
    const cancel = await s.json<RunSummary>(`/runs/${runId}/cancel`, { method: 'POST' });
    assert.equal(cancel.status, 202);
    assert.equal(cancel.body.runId, runId);
    const summary = await s.finished(runId);
    assert.equal(summary.status, 'cancelled');
    assert.equal(summary.tasks.Slow.status, 'cancelled');
    assert.equal(summary.tasks.After.status, 'cancelled');
    const again = await s.json<RunSummary>(`/runs/${runId}/cancel`, { method: 'POST' });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'cancelled');
    assert.equal(s.server.runs.activeRuns, 0);
  });

  test('a failed task: the run ends failed with the error in its summary', async () => {
    const s = await serve();
    const summary = await s.finished(await s.start('failing'));
    assert.equal(summary.status, 'failed');
    assert.equal(summary.tasks.Boom.error, 'no luck');
    assert.equal(summary.tasks.Never.status, 'skipped');
  });

  test('a task that kills its process fails its run; the server goes on', async () => {
    const s = await serve({
      config: { jobs: [{ name: 'crashing', handler: 'GenericJobHandler', tasks: [{ name: 'Crash' }, { name: 'Later', task: 'C', dependencies: ['Crash'] }] }] },
      files: { ...TASKS, ...taskModule('Crash', "ctx.log('going down'); await sleep(20); process.kill(process.pid, 'SIGKILL');") },
    });
    const summary = await s.finished(await s.start('crashing'));
    assert.equal(summary.status, 'failed');
    assert.equal(summary.tasks.Crash.status, 'failed');
    assert.match(summary.error ?? '', /worker process was killed \(SIGKILL\)/);
    assert.equal((await s.json('/health')).status, 200);
    assert.equal((await s.finished(await s.start('crashing'))).status, 'failed', 'and takes the next run');
  });

  test('run ids in the document agree with the engine', () => {
    for (let i = 0; i < 50; i++) assert.match(newRunId(new Date(Date.now() + i * 7919)), new RegExp(RUN_ID_PATTERN));
    assert.ok(!isRunId('../../etc/passwd'));
  });
});
