import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createServer } from '../../engine/http/server';
import { JOBS, serve, TASKS, waitFor } from './harness';
import { tempProject } from '../helpers/project';
import type { RunSummary } from '../../engine/run/events';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: { in: string; path: string; message: string }[];
  diagnostics?: { code: string; severity: string; message: string; range: object }[];
  activeRuns?: number;
  maxActiveRuns?: number;
}

/** Asserts an RFC 9457 problem with this status and returns it. */
async function expectProblem(response: Response, status: number, type?: string): Promise<Problem> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const body = JSON.parse(text) as Problem;
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  if (type) assert.equal(body.type, `urn:fastasyncio:problem:${type}`);
  assert.doesNotMatch(text, /\n\s+at |\.ts:\d+|node_modules/, 'no stack trace');
  return body;
}

const post = (body: string, contentType = 'application/json'): RequestInit => ({ method: 'POST', body, headers: { 'content-type': contentType } });

describe('HTTP API errors are problem details', () => {
  test('400: a body that is not JSON, or not the expected shape; a bad query', async () => {
    const s = await serve();
    const notJson = await expectProblem(await s.request('/jobs/quick/runs', post('{"concurrency": ')), 400, 'malformed-request');
    assert.match(notJson.detail ?? '', /not valid JSON/);
    const wrongType = await expectProblem(await s.request('/jobs/quick/runs', post('{"concurrency": "2"}')), 400, 'malformed-request');
    assert.deepEqual(wrongType.errors, [{ in: 'body', path: '/concurrency', message: 'must be integer' }]);
    const zero = await expectProblem(await s.request('/jobs/quick/runs', post('{"concurrency": 0}')), 400);
    assert.deepEqual(
      zero.errors?.map((e) => e.path),
      ['/concurrency'],
    );
    const extra = await expectProblem(await s.request('/jobs/quick/runs', post('{"concurrency": 2, "configFile": "/etc/passwd"}')), 400);
    assert.match(extra.detail ?? '', /additional properties/);
    await expectProblem(await s.request('/jobs/quick/runs', post('[1, 2]')), 400);
    await expectProblem(await s.request('/jobs/quick/runs', post('', 'application/json')), 400);
    const query = await expectProblem(await s.request('/runs?limit=0'), 400);
    assert.deepEqual(
      query.errors?.map((e) => [e.in, e.path]),
      [['querystring', '/limit']],
    );
    await expectProblem(await s.request('/runs?limit=many'), 400);
    await expectProblem(await s.request('/runs?before=..%2Fsecret'), 400);
    // Nothing was started by any of these.
    assert.equal((await s.json<{ runs: unknown[] }>('/runs')).body.runs.length, 0);
  });

  test('404: unknown jobs, runs and routes; ids that are not run ids; nothing is read by path', async () => {
    const s = await serve();
    const job = await expectProblem(await s.request('/jobs/nope'), 404, 'job-not-found');
    assert.equal(job.detail, 'no job "nope" in the config; jobs: quick, slow, failing, steps');
    assert.equal(job.instance, '/jobs/nope');
    await expectProblem(await s.request('/jobs/nope/runs', { method: 'POST' }), 404, 'job-not-found');
    await expectProblem(await s.request('/jobs/__proto__/runs', { method: 'POST' }), 404, 'job-not-found');
    await expectProblem(await s.request('/jobs/constructor'), 404, 'job-not-found');
    const run = await expectProblem(await s.request('/runs/20200101T000000000Z-abcdef'), 404, 'run-not-found');
    assert.equal(run.detail, 'no run "20200101T000000000Z-abcdef"');
    await expectProblem(await s.request('/runs/20200101T000000000Z-abcdef/cancel', { method: 'POST' }), 404, 'run-not-found');
    for (const id of ['..%2F..%2Fconfigs%2Fjob_config', '%2Fetc%2Fpasswd', 'job_config.json', '20200101T000000000Z-ABCDEF']) {
      await expectProblem(await s.request(`/runs/${id}`), 404);
      await expectProblem(await s.request(`/runs/${id}/events`), 404);
    }
    await expectProblem(await s.request(`/runs/${'x'.repeat(300)}`), 404, 'not-found');
    await expectProblem(await s.request('/runs/%E0%A4%A'), 400, 'malformed-request');
    const route = await expectProblem(await s.request('/nothing/here'), 404, 'not-found');
    assert.equal(route.detail, 'no route GET /nothing/here');
    await expectProblem(await s.request('/jobs', { method: 'DELETE' }), 404);
  });

  test('413: a body over 64 KB; 415: a body that is not JSON', async () => {
    const s = await serve();
    const big = JSON.stringify({ concurrency: 1, padding: 'x'.repeat(70 * 1024) });
    const tooLarge = await expectProblem(await s.request('/jobs/quick/runs', post(big)), 413, 'body-too-large');
    assert.equal(tooLarge.detail, 'the body must be at most 65536 bytes');
    // Just under the limit is read (and then refused for its shape, not its size).
    await expectProblem(await s.request('/jobs/quick/runs', post(JSON.stringify({ padding: 'x'.repeat(60 * 1024) }))), 400);
    await expectProblem(await s.request('/jobs/quick/runs', post('<run/>', 'application/xml')), 415, 'unsupported-media-type');
    // text/plain too (fastify would parse it as a string by default, to be refused as a malformed body).
    const text = await expectProblem(await s.request('/jobs/quick/runs', post('{"concurrency": 2}', 'text/plain')), 415, 'unsupported-media-type');
    assert.equal(text.detail, 'send the body as application/json, got "text/plain"');
    assert.deepEqual(s.project.records(), [], 'nothing ran');
  });

  test('422: a config with errors is never run; its diagnostics come with the answer', async () => {
    const broken = { jobs: [{ name: 'quick', handler: 'GenericJobHandler', tasks: [{ name: 'A', dependencies: ['Missing'] }] }] };
    const s = await serve({ config: broken });
    const answer = await expectProblem(await s.request('/jobs/quick/runs', { method: 'POST' }), 422, 'config-has-errors');
    assert.match(answer.detail ?? '', /has 1 error\(s\)/);
    assert.deepEqual(
      answer.diagnostics?.map((d) => [d.code, d.severity]),
      [['unknown-dependency', 'error']],
    );
    assert.deepEqual(Object.keys(answer.diagnostics[0]).sort(), ['code', 'message', 'range', 'severity']);
    assert.deepEqual(s.project.records(), [], 'nothing ran');
    const jobs = await s.json<{ config: { valid: boolean; inEffect: number | null }; diagnostics: { code: string }[] }>('/jobs');
    assert.deepEqual(jobs.body.config, { version: 1, valid: false, inEffect: null });
    assert.deepEqual(
      jobs.body.diagnostics.map((p) => p.code),
      ['unknown-dependency'],
    );
    // A config that is not even JSON.
    s.writeConfig('{ "jobs": [ ');
    const syntax = await expectProblem(await s.request('/jobs/quick/runs', { method: 'POST' }), 422, 'config-has-errors');
    assert.equal(syntax.diagnostics?.[0].code, 'syntax');
  });

  test('429: more active runs than --max-active-runs; Retry-After; a slot frees when a run ends', async () => {
    const s = await serve({ maxActiveRuns: 2 });
    const first = await s.start('slow');
    const second = await s.start('slow');
    const refused = await s.request('/jobs/quick/runs', { method: 'POST' });
    assert.equal(refused.headers.get('retry-after'), '1');
    const problem = await expectProblem(refused, 429, 'too-many-active-runs');
    assert.equal(problem.activeRuns, 2);
    assert.equal(problem.maxActiveRuns, 2);
    await s.request(`/runs/${first}/cancel`, { method: 'POST' });
    await s.finished(first);
    const third = await s.start('quick');
    assert.equal((await s.finished(third)).status, 'succeeded');
    await s.request(`/runs/${second}/cancel`, { method: 'POST' });
    await s.finished(second);
  });

  test('409: cancelling a run the server did not start and that has not ended', async () => {
    const s = await serve();
    const runId = '20200101T000000000Z-abcdef';
    s.project.write(
      `.fastasyncio/runs/${runId}.jsonl`,
      JSON.stringify({
        type: 'run-started',
        runId,
        seq: 1,
        time: 1,
        job: 'quick',
        configFile: s.project.configFile,
        root: s.project.root,
        concurrency: null,
        tasks: [],
        stages: [],
      }) + '\n',
    );
    assert.equal((await s.json<RunSummary>(`/runs/${runId}`)).body.status, 'running');
    await expectProblem(await s.request(`/runs/${runId}/cancel`, { method: 'POST' }), 409, 'run-not-managed');
  });

  test('500: an unexpected error is logged with its stack and answered without it', async () => {
    const project = tempProject({ jobs: JOBS }, TASKS);
    const logs: string[] = [];
    const server = createServer({ configFile: project.configFile, port: 0, watch: false, log: (line) => logs.push(line) });
    server.app.get('/boom', () => {
      throw new Error('secret internals at /srv/app.ts:12');
    });
    const url = await server.listen();
    try {
      const answer = await expectProblem(await fetch(`${url}/boom`), 500, 'internal-error');
      assert.equal(answer.detail, 'an unexpected error occurred; the server log has the details');
      assert.doesNotMatch(JSON.stringify(answer), /secret/);
      assert.equal(logs.filter((l) => l.includes('GET /boom: unexpected error: Error: secret internals')).length, 1);
      assert.match(logs.join('\n'), /\n\s+at /, 'the log has the stack');
      assert.equal((await fetch(`${url}/health`)).status, 200, 'the server goes on');
    } finally {
      await server.close();
      project.remove();
    }
  });

  test('503: no new runs once shutdown has begun', async () => {
    const s = await serve();
    const runId = await s.start('slow');
    const stopping = s.server.runs.cancelAll();
    await expectProblem(await s.request('/jobs/quick/runs', { method: 'POST' }), 503, 'shutting-down');
    await stopping;
    await waitFor(async () => (await s.json<RunSummary>(`/runs/${runId}`)).body.status === 'cancelled', 'the run to be cancelled');
  });
});
