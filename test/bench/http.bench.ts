/**
 * `npm run bench:http`: `fastasyncio serve` against the seed's stack (FastAPI + uvicorn, Debian's
 * python3-fastapi and python3-uvicorn run with /usr/bin/python3, test/bench/fastapi_app.py) in the same
 * run, each server in its own process, autocannon in this one, one after the other.
 *
 * 1. GET /runs/{id}: the summary of a finished run of a no-op job (ours from its live registry; FastAPI
 *    the same JSON from a dict). Target: at least 3x FastAPI's requests per second.
 * 2. POST /jobs/noop/runs. Ours by default starts a real worker process per run; with --reuse-workers
 *    (a second server) runs share two long-lived workers; FastAPI stores a dict and runs the job in its
 *    event loop. So that the active-run limit does not turn the measurement into one of 429s, each
 *    connection POSTs and then follows that run's events to `run-finished` before its next POST (fewer
 *    connections than --max-active-runs): every POST is a run started and finished. Issue 15's targets
 *    are read on the --reuse-workers server. Also a burst of POSTs within the limit (admission only,
 *    while the workers start). Every non-2xx answer is counted and printed.
 *
 * BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS (default 3) rounds of the reads, BENCH_CONNECTIONS
 * (default 50) connections for the reads. BENCH_SERVE_ARGS: extra Node flags for our servers (`--cpu-prof`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { children, noopProject } from './noop-project';
import { ratioOf, table } from './report';

/** The peer of the closing table: the seed's way, a FastAPI app running the job in its own event loop. */
const FASTAPI = 'FastAPI, job in its loop';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const READ_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Issue 15 measures warm runs with 8 concurrent clients. */
const POST_CONNECTIONS = 8;
const MAX_ACTIVE_RUNS = 8;
const BURST = MAX_ACTIVE_RUNS;
const PYTHON = '/usr/bin/python3';
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const APP_DIR = __dirname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const SERVE_NODE_ARGS = (process.env.BENCH_SERVE_ARGS ?? '').split(' ').filter(Boolean);

async function startOurs(configFile: string, ...flags: string[]): Promise<string> {
  const child = spawn(process.execPath, [...SERVE_NODE_ARGS, CLI, 'serve', configFile, '--port', '0', '--max-active-runs', String(MAX_ACTIVE_RUNS), ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`fastasyncio serve exited with ${code}: ${stderr}`)));
  });
}

async function startFastApi(summaryFile: string, runId: string): Promise<string> {
  const port = await freePort();
  const child = spawn(
    PYTHON,
    ['-m', 'uvicorn', 'fastapi_app:app', '--app-dir', APP_DIR, '--host', '127.0.0.1', '--port', String(port), '--no-access-log', '--log-level', 'warning'],
    {
      env: { ...process.env, BENCH_SUMMARY_FILE: summaryFile },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/runs/${runId}`)).status === 200, 'uvicorn to serve');
  return url;
}

function pythonStack(): string {
  const probe = spawnSync(
    PYTHON,
    [
      '-c',
      'import fastapi, uvicorn, importlib.util as u; print(f\'FastAPI {fastapi.__version__} + uvicorn {uvicorn.__version__} (loop: {"uvloop" if u.find_spec("uvloop") else "asyncio"}, http: {"httptools" if u.find_spec("httptools") else "h11"})\')',
    ],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0) throw new Error(`${PYTHON} cannot import fastapi and uvicorn: apt-get install -y python3-fastapi python3-uvicorn\n${probe.stderr}`);
  return probe.stdout.trim();
}

interface Measured {
  reqPerSec: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

async function cannon(options: autocannon.Options): Promise<Measured> {
  const result = await autocannon({ duration: SECONDS, ...options });
  return {
    reqPerSec: result.requests.average,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** The measurement with the median req/s. */
const median = (xs: Measured[]) => [...xs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(xs.length / 2)];

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** Ours, closed loop: POST, then the run's events to `run-finished`, per connection. */
async function sustainedRuns(url: string, duration = SECONDS) {
  const postMs: number[] = [];
  const cycleMs: number[] = [];
  const statuses = new Map<string, number>();
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  let succeeded = 0;
  const result = await autocannon({
    url,
    duration,
    connections: POST_CONNECTIONS,
    requests: [
      {
        method: 'POST',
        path: '/jobs/noop/runs',
        headers: { 'content-type': 'application/json' },
        body: '{"concurrency":1}',
        setupRequest: (request, context) => {
          (context as { t0: number }).t0 = performance.now();
          return request;
        },
        onResponse: (status, body, context) => {
          const c = context as { t0: number; runId?: string; t1: number };
          c.t1 = performance.now();
          postMs.push(c.t1 - c.t0);
          count(`POST ${status}`);
          if (status === 202) c.runId = (JSON.parse(body) as { runId: string }).runId;
        },
      },
      {
        method: 'GET',
        setupRequest: (request, context) => ({ ...request, path: `/runs/${(context as { runId?: string }).runId ?? 'none'}/events` }),
        onResponse: (status, body, context) => {
          count(`events ${status}`);
          cycleMs.push(performance.now() - (context as { t0: number }).t0);
          if (/"type":"run-finished"[^\n]*"status":"succeeded"/.test(body)) succeeded++;
        },
      },
    ],
  });
  return {
    posts: postMs.length,
    postsPerSec: postMs.length / duration,
    postP99: percentile(postMs, 99),
    cycleP50: percentile(cycleMs, 50),
    cycleP99: percentile(cycleMs, 99),
    succeeded,
    statuses,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function activeRuns(url: string): Promise<number> {
  const { runs } = (await (await fetch(`${url}/runs?limit=100`)).json()) as { runs: { status: string }[] };
  return runs.filter((r) => r.status === 'running').length;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const row = (name: string, m: Measured) =>
  `  ${name.padEnd(12)} ${fmt(m.reqPerSec).padStart(8)} req/s   p99 ${fmt(m.p99).padStart(4)} ms   ${fmt(m.total)} requests, non-2xx ${m.non2xx}, errors ${m.errors}`;

async function main(): Promise<void> {
  const stack = pythonStack();
  const root = noopProject('fa-http-bench-');
  try {
    const configFile = path.join(root, 'configs/job_config.json');
    const ours = await startOurs(configFile);
    const reusing = await startOurs(configFile, '--reuse-workers');
    const started = (await (await fetch(`${ours}/jobs/noop/runs`, { method: 'POST' })).json()) as { runId: string };
    await waitUntil(async () => ((await (await fetch(`${ours}/runs/${started.runId}`)).json()) as { status: string }).status !== 'running', 'the first run');
    const summaryText = await (await fetch(`${ours}/runs/${started.runId}`)).text();
    const summaryFile = path.join(root, 'summary.json');
    fs.writeFileSync(summaryFile, summaryText);
    const fastapi = await startFastApi(summaryFile, started.runId);
    const theirs = await (await fetch(`${fastapi}/runs/${started.runId}`)).text();
    if (JSON.stringify(JSON.parse(theirs)) !== JSON.stringify(JSON.parse(summaryText))) throw new Error('the two servers answer different summaries');

    console.log(`HTTP API: fastasyncio serve (fastify ${require('fastify/package.json').version}, Node ${process.version}) vs ${stack}`);
    console.log(
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg()[0].toFixed(1)} at the start; autocannon ${require('autocannon/package.json').version} in this process; ${SECONDS} s per measurement after a 2 s warm-up\n`,
    );

    // 1. The status read: rounds alternating between the servers, so that a change in the machine's load
    // (it may be shared) hits both alike; the ratio is of the medians.
    // autocannon takes the path from the URL (`path` is only for `requests`).
    const read = `/runs/${started.runId}`;
    await cannon({ url: ours + read, connections: READ_CONNECTIONS, duration: 2 });
    await cannon({ url: fastapi + read, connections: READ_CONNECTIONS, duration: 2 });
    const oursReads: Measured[] = [];
    const theirsReads: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      oursReads.push(await cannon({ url: ours + read, connections: READ_CONNECTIONS }));
      theirsReads.push(await cannon({ url: fastapi + read, connections: READ_CONNECTIONS }));
    }
    const oursRead = median(oursReads);
    const theirsRead = median(theirsReads);
    console.log(
      `GET /runs/{id} (a finished run's summary, ${Buffer.byteLength(summaryText)} bytes), ${READ_CONNECTIONS} connections, median of ${ROUNDS} alternating rounds:`,
    );
    console.log(row('fastasyncio', oursRead));
    console.log(row('FastAPI', theirsRead));
    console.log(
      `  rounds       fastasyncio ${oursReads.map((m) => fmt(m.reqPerSec)).join(' / ')}; FastAPI ${theirsReads.map((m) => fmt(m.reqPerSec)).join(' / ')} req/s`,
    );
    const readRatio = oursRead.reqPerSec / theirsRead.reqPerSec;
    const roundRatios = oursReads.map((m, i) => m.reqPerSec / theirsReads[i].reqPerSec);
    console.log(
      `  ratio        ${fmt(readRatio, 1)}x FastAPI's req/s (per round ${roundRatios.map((r) => fmt(r, 1)).join(' / ')}; target >= 3x: ${readRatio >= 3 ? 'met' : 'NOT met'}); p99 ${fmt(oursRead.p99)} vs ${fmt(theirsRead.p99)} ms\n`,
    );

    // 2. Starting runs.
    const start = '/jobs/noop/runs';
    const post = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: '{"concurrency":1}' };
    await cannon({ url: fastapi + start, ...post, connections: POST_CONNECTIONS, duration: 2 });
    const theirsPost = await cannon({ url: fastapi + start, ...post, connections: POST_CONNECTIONS });
    // Each server warmed up first (its workers booted, the task module loaded in them), as runs start warm.
    await sustainedRuns(ours, 2);
    await waitUntil(async () => (await activeRuns(ours)) === 0, 'the warm-up runs to end', 60_000);
    const sustained = await sustainedRuns(ours);
    await waitUntil(async () => (await activeRuns(ours)) === 0, 'the runs to end', 60_000);
    await sustainedRuns(reusing, 2);
    await waitUntil(async () => (await activeRuns(reusing)) === 0, 'the warm-up runs to end', 60_000);
    const reused = await sustainedRuns(reusing);
    await waitUntil(async () => (await activeRuns(reusing)) === 0, 'the runs to end', 60_000);
    // The seed's way, in the same closed loop: FastAPI runs the job in its own event loop.
    await sustainedRuns(fastapi, 2);
    const theirsSustained = await sustainedRuns(fastapi);
    const burst = await autocannon({ url: ours + start, ...post, connections: BURST, amount: BURST });
    await waitUntil(async () => (await activeRuns(ours)) === 0, 'the burst of runs to end', 120_000);

    console.log(
      `POST /jobs/noop/runs, ${POST_CONNECTIONS} connections (ours: a real worker process per run, or --reuse-workers: runs shared by 2 long-lived workers; FastAPI: a dict entry, then the job in its event loop):`,
    );
    console.log(row('FastAPI', theirsPost));
    console.log(`  closed loop (POST, then the run's events to run-finished), ${SECONDS} s after a 2 s warm-up each; the time is from POST to run-finished:`);
    const line = (name: string, m: Awaited<ReturnType<typeof sustainedRuns>>) => {
      const statuses = [...m.statuses].map(([k, v]) => `${k}: ${v}`).join(', ');
      console.log(
        `  ${name.padEnd(22)} ${fmt(m.postsPerSec, 1).padStart(7)} runs/s  p50 ${fmt(m.cycleP50, 1).padStart(6)} ms  p99 ${fmt(m.cycleP99, 1).padStart(6)} ms  ` +
          `${fmt(m.postsPerSec / theirsSustained.postsPerSec, 3)}x FastAPI's runs/s, p99 ${fmt(m.cycleP99 / theirsSustained.cycleP99, 1)}x; ` +
          `POST p99 ${fmt(m.postP99)} ms; ${m.succeeded} runs seen to succeed; ${statuses}; non-2xx ${m.non2xx}, errors ${m.errors}`,
      );
    };
    line('FastAPI (in its loop)', theirsSustained);
    line('fastasyncio (default)', sustained);
    line('fastasyncio --reuse-workers', reused);
    console.log(
      `  (the default starts a worker process per run; --reuse-workers shares 2 long-lived workers between runs: see README, The HTTP API, for what that gives up)`,
    );
    console.log(
      `  burst        ${BURST} POSTs at once on ${BURST} connections, --max-active-runs ${MAX_ACTIVE_RUNS}, default server (admission only, while the workers start): ` +
        `slowest answer ${fmt(burst.latency.max)} ms, median ${fmt(burst.latency.p50)} ms; 2xx ${burst['2xx']}, non-2xx ${burst.non2xx}, errors ${burst.errors + burst.timeouts}`,
    );
    // Issue 15's targets: warm runs, on the server that reuses its workers.
    table([
      {
        measure: `no-op runs started and finished per second, ${POST_CONNECTIONS} clients (--reuse-workers)`,
        ours: fmt(reused.postsPerSec, 1),
        peer: { name: FASTAPI, value: fmt(theirsSustained.postsPerSec, 1) },
        ratio: ratioOf(reused.postsPerSec, theirsSustained.postsPerSec, 3),
        target: '≥ 100',
        met: reused.postsPerSec >= 100,
      },
      {
        measure: 'POST-to-run-finished p99 (ms, --reuse-workers)',
        ours: fmt(reused.cycleP99),
        peer: { name: FASTAPI, value: fmt(theirsSustained.cycleP99) },
        ratio: ratioOf(reused.cycleP99, theirsSustained.cycleP99, 3),
        target: '< 50',
        met: reused.cycleP99 < 50,
      },
      {
        measure: `no-op runs started and finished per second, ${POST_CONNECTIONS} clients (a worker per run)`,
        ours: fmt(sustained.postsPerSec, 1),
        peer: { name: FASTAPI, value: fmt(theirsSustained.postsPerSec, 1) },
        ratio: ratioOf(sustained.postsPerSec, theirsSustained.postsPerSec, 3),
        target: '',
      },
    ]);
  } finally {
    console.log(`\nload average ${os.loadavg()[0].toFixed(1)} at the end`);
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    // Stopped servers write their profiles (BENCH_SERVE_ARGS=--cpu-prof) as they exit; killed after 5 s.
    await Promise.all(children.filter((child) => child.exitCode === null).map((child) => Promise.race([once(child, 'exit'), sleep(5000)])));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
