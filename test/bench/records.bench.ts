/**
 * `npm run bench:records`: `GET /runs?limit=20` and `GET /health`, sent together, against `fastasyncio
 * serve` (its own process) over a project whose newest record is 500 MB (large task-log lines) among 19
 * small ones. The reference, in the same run: the old way of listing, every record of the page read whole
 * and folded synchronously (`listRuns` of engine/run/records.ts), timed in this process.
 * Target: the listing under 100 ms, /health as fast as on an idle server.
 *
 * BENCH_RECORD_MB (default 500), BENCH_ROUNDS (default 20).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listRuns, recordFile } from '../../engine/run/records';
import { children, noopProject } from './noop-project';
import { fmt, median, ratioOf, table } from './report';

const RECORD_MB = Number(process.env.BENCH_RECORD_MB ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const LINE_CHARS = 64 * 1024;

const runIdAt = (i: number) => `20250101T000000${String(i).padStart(3, '0')}Z-abcdef`;

/** A finished run's record with `logLines` task-log lines of `LINE_CHARS` characters, written in large chunks. */
function writeRecord(root: string, runId: string, logLines: number): number {
  const file = recordFile(root, runId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const time = Date.now() - 3_600_000;
  const line = (seq: number, event: object) => JSON.stringify({ ...event, runId, seq, time: time + seq }) + '\n';
  fs.writeSync(
    fd,
    line(1, {
      type: 'run-started',
      job: 'noop',
      configFile: path.join(root, 'configs/job_config.json'),
      root,
      concurrency: null,
      tasks: [{ id: 'Noop', className: 'Noop', dependencies: [], stage: 1 }],
      stages: [{ index: 1, tasks: ['Noop'], after: [] }],
    }),
  );
  fs.writeSync(fd, line(2, { type: 'task-started', task: 'Noop', attempt: 1 }));
  const message = 'x'.repeat(LINE_CHARS);
  let seq = 2;
  let chunk = '';
  for (let i = 0; i < logLines; i++) {
    chunk += line(++seq, { type: 'task-log', task: 'Noop', message });
    if (chunk.length > 16 * 1024 * 1024) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  chunk += line(++seq, { type: 'task-finished', task: 'Noop', status: 'succeeded', attempts: 1, durationMs: seq, result: null });
  chunk += line(++seq, {
    type: 'run-finished',
    status: 'succeeded',
    durationMs: seq,
    summary: { job: 'noop', runId, status: 'succeeded', durationMs: seq, tasks: { Noop: { status: 'succeeded', attempts: 1, durationMs: seq } } },
  });
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

async function serve(configFile: string): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'serve', configFile, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, FASTASYNCIO_TOKEN: '' },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`fastasyncio serve exited with ${code}`)));
  });
}

async function timed(url: string): Promise<{ ms: number; status: number; body: string }> {
  const t0 = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  return { ms: performance.now() - t0, status: response.status, body };
}

const max = (xs: number[]) => Math.max(...xs);
const ms = (n: number) => `${fmt(n, 1)} ms`;

async function main(): Promise<void> {
  const root = noopProject('fa-records-bench-');
  try {
    const t0 = performance.now();
    const bigId = runIdAt(19);
    const size = writeRecord(root, bigId, Math.ceil((RECORD_MB * 1024 * 1024) / (LINE_CHARS + 120)));
    for (let i = 0; i < 19; i++) writeRecord(root, runIdAt(i), 3);
    console.log(`records: one of ${(size / 2 ** 20).toFixed(0)} MB and 19 small ones, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const url = await serve(path.join(root, 'configs/job_config.json'));
    // Idle: /health alone.
    const idle: number[] = [];
    for (let i = 0; i < ROUNDS; i++) idle.push((await timed(`${url}/health`)).ms);

    // GET /runs?limit=20 and /health together.
    const listing: number[] = [];
    const health: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const [list, up] = await Promise.all([timed(`${url}/runs?limit=20`), timed(`${url}/health`)]);
      if (list.status !== 200 || up.status !== 200) throw new Error(`GET /runs answered ${list.status}, /health ${up.status}`);
      const runs = (JSON.parse(list.body) as { runs: { runId: string; status: string }[] }).runs;
      if (runs.length !== 20 || runs[0].runId !== bigId || runs[0].status !== 'succeeded') throw new Error(`unexpected listing: ${list.body.slice(0, 300)}`);
      listing.push(list.ms);
      health.push(up.ms);
    }

    // The whole summary of the big record (streamed), /health during it.
    const whole = timed(`${url}/runs/${bigId}`);
    const during: number[] = [];
    let done = false;
    void whole.then(() => (done = true));
    while (!done) {
      during.push((await timed(`${url}/health`)).ms);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const summary = await whole;

    // The reference: the old listing, every record of the page read whole and folded synchronously.
    const r0 = performance.now();
    const old = listRuns(root, 20);
    const reference = performance.now() - r0;
    if (old.length !== 20) throw new Error(`the old way listed ${old.length} runs`);

    console.log('');
    console.log(
      `GET /runs?limit=20 (with /health at the same time), ${ROUNDS} rounds: median ${ms(median(listing))}, max ${ms(max(listing))}  (target < 100 ms)`,
    );
    console.log(`GET /health alongside:                  median ${ms(median(health))}, max ${ms(max(health))}`);
    console.log(`GET /health on the idle server:          median ${ms(median(idle))}, max ${ms(max(idle))}`);
    console.log(
      `GET /runs/{id} of the 500 MB run (whole summary, streamed): ${ms(summary.ms)}; /health meanwhile: ${during.length} answers, median ${ms(median(during))}, max ${ms(max(during))}`,
    );
    console.log(`reference, the old listing (readFileSync + fold of every record, synchronous): ${ms(reference)}`);
    console.log(
      `ratio: the old listing takes ${(reference / median(listing)).toFixed(0)}x as long as GET /runs now (median), during which the old server answered nothing else`,
    );
    table([
      {
        measure: 'GET /runs?limit=20 beside a 500 MB record, median (ms)',
        ours: fmt(median(listing), 1),
        peer: { name: 'ours before: every record read whole', value: fmt(reference, 1) },
        ratio: ratioOf(median(listing), reference, 4),
        target: '< 100',
        met: median(listing) < 100,
      },
    ]);
  } finally {
    children.forEach((c) => c.kill('SIGKILL'));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
