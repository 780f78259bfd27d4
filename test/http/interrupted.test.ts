import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunEvent, RunFinishedEvent, RunSummary } from '../../engine/run/events';
import type { RunListItem as ListedRun } from '../../engine/run/recorded-runs';
import { currentOwner } from '../../engine/run/owner';
import { type TempProject, tempProject } from '../helpers/project';
import { events, JOBS, readSse, serve, TASKS, waitFor } from './harness';
import { deadOwner, recordLines, SyntheticRun } from './synthetic';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

const children: ChildProcess[] = [];
const projects: TempProject[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  projects.forEach((p) => p.remove());
});

/** `fastasyncio serve` as a process of its own; resolves with its URL and the process. */
async function serveProcess(configFile: string): Promise<{ url: string; child: ChildProcess; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [CLI, 'serve', configFile, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FASTASYNCIO_TOKEN: '' },
  });
  children.push(child);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
  });
  return { url, child, exited };
}

const getJson = async <T>(url: string, init?: RequestInit) => {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as T };
};

describe('interrupted runs over HTTP', () => {
  test('after kill -9 of the server, the next server shows its run interrupted, completes the record, and cancelling answers 200', async () => {
    const jobs = [
      ...JOBS,
      {
        name: 'minute',
        handler: 'GenericJobHandler',
        tasks: [
          { name: 'Slow', params: { ms: 60_000 } },
          { name: 'After', task: 'C', dependencies: ['Slow'] },
        ],
      },
    ];
    const project = tempProject({ jobs }, TASKS);
    projects.push(project);
    const first = await serveProcess(project.configFile);
    const started = await getJson<{ runId: string }>(`${first.url}/jobs/minute/runs`, { method: 'POST' });
    assert.equal(started.status, 202);
    const { runId } = started.body;
    await waitFor(async () => (await getJson<RunSummary>(`${first.url}/runs/${runId}`)).body.tasks.Slow?.status === 'running', 'Slow to be running');
    // The record is written once per turn of the server's event loop: a kill in that turn would lose the
    // last line, so the kill waits for it (the HTTP answer can come first).
    const record = path.join(project.root, `.fastasyncio/runs/${runId}.jsonl`);
    await waitFor(async () => recordLines(record).some((e) => e?.type === 'task-started' && e.task === 'Slow'), "Slow's start in the record");
    const [head] = recordLines(record);
    assert.equal(head?.type === 'run-started' && head.owner?.pid, first.child.pid, 'the record names the server as its owner');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await serveProcess(project.configFile);
    const list = await getJson<{ runs: ListedRun[] }>(`${second.url}/runs`);
    assert.equal(list.status, 200);
    const listed = list.body.runs.find((r) => r.runId === runId);
    assert.equal(listed?.status, 'interrupted');
    assert.equal(listed?.job, 'minute');
    assert.match(listed?.error ?? '', new RegExp(`pid ${first.child.pid} on .*\\) ended without finishing the run`));

    const summary = await getJson<RunSummary>(`${second.url}/runs/${runId}`);
    assert.equal(summary.status, 200);
    assert.equal(summary.body.status, 'interrupted');
    assert.equal(summary.body.tasks.Slow.status, 'failed');
    assert.match(summary.body.tasks.Slow.error ?? '', /ended while this task was running/);
    assert.equal(summary.body.tasks.After.status, 'skipped');

    const replay = events(await readSse(await fetch(`${second.url}/runs/${runId}/events`)));
    assert.deepEqual(
      replay.map((e) => e.seq),
      replay.map((_, i) => i + 1),
    );
    const last = replay[replay.length - 1] as RunFinishedEvent;
    assert.equal(last.type, 'run-finished');
    assert.equal(last.status, 'interrupted');

    const cancel = await getJson<RunSummary>(`${second.url}/runs/${runId}/cancel`, { method: 'POST' });
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.status, 'interrupted');

    const lines = recordLines(path.join(project.root, `.fastasyncio/runs/${runId}.jsonl`));
    assert.equal(lines.filter((e) => e?.type === 'run-finished').length, 1, 'completed once');
    assert.equal(lines.at(-1)?.type, 'run-finished');
    second.child.kill('SIGTERM');
    await second.exited;
  });

  test('a record of a dead owner: listed, summarised, replayed and cancelled as interrupted; one of a live owner stays running (409)', async () => {
    const s = await serve();
    const dead = new SyntheticRun(s.project.root, '20250101T000000000Z-000001', ['A', 'B'], await deadOwner(), 'quick')
      .started('A')
      .finished('A', 'succeeded', 20)
      .started('B');
    dead.write();
    const alive = new SyntheticRun(s.project.root, '20250101T000000000Z-000002', ['A'], currentOwner(), 'quick').started('A');
    alive.write();

    const list = await s.json<{ runs: ListedRun[] }>('/runs');
    assert.deepEqual(
      list.body.runs.map((r) => [r.runId, r.status]),
      [
        [alive.runId, 'running'],
        [dead.runId, 'interrupted'],
      ],
    );
    const summary = (await s.json<RunSummary>(`/runs/${dead.runId}`)).body;
    assert.deepEqual([summary.status, summary.tasks.A.status, summary.tasks.B.status, summary.results], ['interrupted', 'succeeded', 'failed', { A: 20 }]);
    const replay = events(await readSse(await s.request(`/runs/${dead.runId}/events`)));
    assert.deepEqual(
      replay.map((e: RunEvent) => e.type),
      ['run-started', 'task-started', 'task-finished', 'task-started', 'task-finished', 'run-finished'],
    );
    assert.equal((await s.request(`/runs/${dead.runId}/events`, { headers: { 'last-event-id': String(replay.length) } })).status, 204);
    assert.equal((await s.json<RunSummary>(`/runs/${dead.runId}/cancel`, { method: 'POST' })).status, 200);

    assert.equal((await s.json<RunSummary>(`/runs/${alive.runId}`)).body.status, 'running');
    const refused = await s.json<{ type: string }>(`/runs/${alive.runId}/cancel`, { method: 'POST' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.type, 'urn:fastasyncio:problem:run-not-managed');
    assert.equal(recordLines(alive.file).length, alive.lines.length, "a live owner's record is left alone");
  });
});
