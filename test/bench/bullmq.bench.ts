/**
 * `npm run bench:bullmq`: runs on workers (`fastasyncio worker`, BullMQ 6 on Redis) against bare BullMQ in
 * the same run, on a `redis-server` the bench starts (Debian's /usr/bin/redis-server, or REDIS_SERVER, on a
 * free port, `--save '' --appendonly no`) and stops at the end.
 *
 * 1. Throughput: 5,000 no-op JavaScript tasks, 50 layers × 100, each after 3 tasks of the layer before
 *    (results passed: each returns 1 + the largest input, so the last layer's results say every input
 *    arrived), run with `runJob` in this process (`workers: { redis }`, records on, as a real run; the run's
 *    concurrency 64, so that the workers are the limit) over two `fastasyncio worker` processes (the real
 *    CLI, `--concurrency 16` each). tasks/s = 5,000 / (last task-finished − first task-started), taken with
 *    performance.now() as the events arrive here.
 *    Reference: a bare BullMQ `Queue` in this process that `addBulk`s 5,000 no-op jobs (removeOnComplete)
 *    and two `Worker` processes (test/bench/bullmq-reference-worker.ts) with concurrency 16 each: the same
 *    number of processes and slots as ours, so that both get the same CPU parallelism. jobs/s = 5,000 /
 *    (the `addBulk` call to the last `completed` event in either worker; epoch times with sub-ms precision).
 *    Median of BENCH_ROUNDS (3) alternating rounds after a warm-up of each. Target: ours ≥ 0.5× the
 *    reference. For where the time goes: each process' CPU time and read/write system calls (sockets,
 *    and this process' record file) during the span (Linux, /proc), each task's time from task-started
 *    to task-assigned and on to task-finished, and Redis' commands per task (`INFO commandstats`, reset
 *    before each run).
 * 2. Sleeping tasks: 10 layers × 20, 3 dependencies each, each `await sleep(100)`, over the same two
 *    workers: the makespan (first task-started to last task-finished) against the critical path,
 *    10 × 100 ms. Median of BENCH_ROUNDS after a warm-up. Target ≤ 1.1×. For orientation, what BullMQ
 *    alone makes of it: 10 waves of 20 sleeping jobs on the reference's workers, each wave added when
 *    the previous one's `completed` events arrived (QueueEvents).
 *
 * All processes are started before the first measurement and stay up to the end (ours idle while the
 * reference runs and the other way round); on a failure or Ctrl-C they are killed.
 *
 * BENCH_WORKER_CONCURRENCY (16) sets both sides' worker concurrency; BENCH_CPU_PROF=<dir> starts every
 * worker process (ours and the reference's) with --cpu-prof, into a folder of each under that folder.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Analysis } from '../../engine/analysis/analyze';
import { readConfigFile } from '../../engine/analysis/read-config';
import type { RunEvent, RunSummary } from '../../engine/run/events';
import { runJob } from '../../engine/run/run-job';
import { type TempProject, taskModule, tempProject } from '../helpers/project';
import { children } from './noop-project';
import { layered, sleepExcess, type TaskSpec } from './layered';
import { fmt, list, median, type Row, ratioOf, table } from './report';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 16);
const RUN_CONCURRENCY = 64;
const WORKERS = 2;
const LAYERS = 50;
const WIDTH = 100;
const TASKS = LAYERS * WIDTH;
const SLEEP_LAYERS = 10;
const SLEEP_WIDTH = 20;
const SLEEP_MS = 100;
const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
const CPU_PROF = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined;
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const REFERENCE_WORKER = path.join(__dirname, 'bullmq-reference-worker.ts');
const REFERENCE_QUEUE = 'noop';
const REFERENCE_PREFIX = 'bench-reference';

const TARGET = { ratio: 0.5, makespan: 1.1 };

// --- Helpers ----------------------------------------------------------------------------------------

/** Epoch ms with sub-ms precision, comparable across processes. */
const epoch = () => performance.timeOrigin + performance.now();

/** What a process used so far (Linux, /proc): CPU ms of all its threads, and its read and write system calls. */
interface Use {
  cpu: number;
  reads: number;
  writes: number;
}

function useOf(pid: number): Use {
  const use = { cpu: NaN, reads: NaN, writes: NaN };
  try {
    let ns = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // A thread that ended meanwhile.
      }
    }
    use.cpu = ns / 1e6;
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    use.reads = Number(/syscr: (\d+)/.exec(io)?.[1]);
    use.writes = Number(/syscw: (\d+)/.exec(io)?.[1]);
  } catch {
    // Not Linux, or the process is gone.
  }
  return use;
}

/** The processes whose use a measurement reads, by label. */
type Pids = Record<string, number>;
type Usage = Record<string, Use>;
const readUse = (pids: Pids): Usage => Object.fromEntries(Object.entries(pids).map(([label, pid]) => [label, useOf(pid)]));
const used = (before: Usage, after: Usage): Usage =>
  Object.fromEntries(
    Object.keys(after).map((label) => [
      label,
      { cpu: after[label].cpu - before[label].cpu, reads: after[label].reads - before[label].reads, writes: after[label].writes - before[label].writes },
    ]),
  );

/** Redis' commands since the last CONFIG RESETSTAT: calls and µs of each. */
type CommandStats = Record<string, { calls: number; usec: number }>;

async function commandStats(redis: Redis): Promise<CommandStats> {
  const text = await redis.info('commandstats');
  const stats: CommandStats = {};
  for (const line of text.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (m) stats[m[1]] = { calls: Number(m[2]), usec: Number(m[3]) };
  }
  return stats;
}

/** The commands per task, the most called first: `evalsha 3.0 (12 µs)`. Calls inside scripts count too. */
function describeCommands(stats: CommandStats, tasks: number, top = 8): string {
  const entries = Object.entries(stats).sort((a, b) => b[1].calls - a[1].calls);
  const calls = entries.reduce((a, [, s]) => a + s.calls, 0);
  const usec = entries.reduce((a, [, s]) => a + s.usec, 0);
  const shown = entries
    .slice(0, top)
    .map(([name, s]) => `${name} ${fmt(s.calls / tasks, 2)}`)
    .join(', ');
  return `${fmt(calls / tasks, 1)} commands per task (${fmt(usec / tasks, 1)} µs of Redis time): ${shown}`;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** Resolves when `child`'s stdout has a line that matches; rejects when it exits first or after `ms`. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string, ms: number, output: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what}: no line matching ${pattern} within ${ms / 1000} s:\n${output.text}`)), ms);
    const onData = () => {
      if (pattern.test(output.text)) done();
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${output.text}`));
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
    onData();
  });
}

/** Spawns a process that the bench kills at its exit if it is still running; its output kept for errors. */
function started(child: ChildProcess): { child: ChildProcess; output: { text: string } } {
  children.push(child);
  const output = { text: '' };
  const keep = (d: Buffer) => {
    output.text += d.toString();
    if (output.text.length > 100_000) output.text = output.text.slice(-50_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output };
}

/** Asks a process to stop (SIGTERM, or the IPC `stop` of a reference worker), then kills it after `ms`. */
async function stop(child: ChildProcess, ms = 15_000, ask: () => void = () => child.kill('SIGTERM')): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  ask();
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

// --- Redis ------------------------------------------------------------------------------------------

interface RedisServer {
  url: string;
  child: ChildProcess;
  dir: string;
}

async function startRedis(): Promise<RedisServer> {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: apt-get install redis-server, or set REDIS_SERVER`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-bench-redis-'));
  const { child, output } = started(
    spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  await waitForLine(child, /Ready to accept connections/, 'redis-server', 10_000, output);
  return { url: `redis://127.0.0.1:${port}`, child, dir };
}

// --- The project and our workers ----------------------------------------------------------------------

const RESULT = 'return 1 + Math.max(0, ...Object.values(input ?? {}));';

function project(): TempProject {
  const job = (name: string, tasks: TaskSpec[]) => ({ name, handler: 'GenericJobHandler', tasks });
  return tempProject(
    { jobs: [job('noop', layered('Noop', LAYERS, WIDTH)), job('sleep', layered('Sleeper', SLEEP_LAYERS, SLEEP_WIDTH))] },
    { ...taskModule('Noop', `    ${RESULT}`), ...taskModule('Sleeper', `    await sleep(${SLEEP_MS});\n    ${RESULT}`) },
  );
}

/** --cpu-prof into a folder of the process' own under BENCH_CPU_PROF (a process with tsx profiles its loader thread too). */
const profArgs = (name: string) => (CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', path.join(CPU_PROF, name)] : []);

/** A `fastasyncio worker` process of the project, once it said it is ready. */
async function startWorker(p: TempProject, url: string, name: string): Promise<ChildProcess> {
  const args = [...profArgs(name), CLI, 'worker', p.configFile, '--redis', url, '--concurrency', String(CONCURRENCY), '--name', name];
  const { child, output } = started(spawn(process.execPath, args, { cwd: p.root, stdio: ['ignore', 'pipe', 'pipe'] }));
  await waitForLine(child, /\bready\b/, `fastasyncio worker ${name}`, 30_000, output);
  return child;
}

/** What one run on our workers took, in ms of performance.now() from the call, as its events arrived here. */
interface OurTiming {
  first: number;
  last: number;
  /** The call's return (the queue closed, the record written). */
  wall: number;
  started: Map<string, number>;
  /** task-assigned: a worker took the task (its `assigned` reply arrived here). */
  assigned: Map<string, number>;
  finished: Map<string, number>;
  /** Tasks each worker ran. */
  perWorker: Map<string, number>;
  use: Usage;
  commands: CommandStats;
  summary: RunSummary;
}

async function ourRun(p: TempProject, analysis: Analysis, name: string, url: string, pids: Pids, stats: Redis): Promise<OurTiming> {
  const total = analysis.model!.jobs.find((j) => j.name === name)!.tasks.length;
  const started = new Map<string, number>();
  const finished = new Map<string, number>();
  const assigned = new Map<string, number>();
  const perWorker = new Map<string, number>();
  let before: Usage | undefined;
  let use: Usage = {};
  await stats.config('RESETSTAT');
  const t0 = performance.now();
  const onEvent = (event: RunEvent) => {
    const now = performance.now() - t0;
    if (event.type === 'task-started') {
      if (started.size === 0) before = readUse(pids);
      if (!started.has(event.task)) started.set(event.task, now);
    } else if (event.type === 'task-assigned') {
      assigned.set(event.task, now);
      perWorker.set(event.worker, (perWorker.get(event.worker) ?? 0) + 1);
    } else if (event.type === 'task-finished') {
      finished.set(event.task, now);
      if (finished.size === total && before) use = used(before, readUse(pids));
    }
  };
  const summary = await runJob({
    configFile: p.configFile,
    analysis,
    job: name,
    concurrency: RUN_CONCURRENCY,
    record: { keep: 3 },
    workers: { redis: url },
    onEvent,
  });
  const wall = performance.now() - t0;
  const commands = await commandStats(stats);
  if (summary.status !== 'succeeded') {
    const failed = Object.entries(summary.tasks).find(([, t]) => t.status !== 'succeeded');
    throw new Error(`run ${name}: ${summary.status} ${summary.error ?? ''} ${failed ? `${failed[0]}: ${failed[1].error}` : ''}`);
  }
  const first = Math.min(...started.values());
  const last = Math.max(...finished.values());
  return { first, last, wall, started, assigned, finished, perWorker, use, commands, summary };
}

/** The last layer's results are all `layers` (1 + the longest chain before them): every input arrived. */
function checkResults(results: Record<string, unknown>, layers: number, width: number): void {
  for (let i = 0; i < width; i++) {
    const value = results[`L${layers - 1}_${i}`];
    if (value !== layers) throw new Error(`L${layers - 1}_${i} returned ${JSON.stringify(value)}, expected ${layers}`);
  }
}

/**
 * Each task's way through the queue, median ms over the runs: task-started (queued) to task-assigned (a
 * worker took it, its reply here), and task-assigned to task-finished less the task's own `workMs`.
 */
function legs(runs: OurTiming[], workMs = 0): string {
  const pickup: number[] = [];
  const back: number[] = [];
  for (const t of runs) {
    for (const [task, at] of t.assigned) {
      pickup.push(at - t.started.get(task)!);
      back.push(t.finished.get(task)! - at - workMs);
    }
  }
  const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
  return (
    `task-started (queued) to task-assigned (a worker's reply here) median ${fmt(median(pickup), 2)} ms (p90 ${fmt(p90(pickup), 1)}); ` +
    `task-assigned to task-finished${workMs ? ` beyond the ${workMs} ms of the task` : ''} median ${fmt(median(back), 2)} ms (p90 ${fmt(p90(back), 1)})`
  );
}

// --- The reference: bare BullMQ -------------------------------------------------------------------------

interface Progress {
  type: 'ready' | 'progress';
  completed: number;
  first: number;
  last: number;
}

class ReferenceWorker {
  progress: Progress = { type: 'progress', completed: 0, first: NaN, last: NaN };
  private waiter?: () => void;

  private constructor(
    readonly child: ChildProcess,
    readonly output: { text: string },
  ) {
    child.on('message', (message: Progress) => {
      if (message.type !== 'progress') return;
      this.progress = message;
      this.waiter?.();
    });
  }

  static async start(url: string, name: string): Promise<ReferenceWorker> {
    const { child, output } = started(
      fork(REFERENCE_WORKER, [url, REFERENCE_QUEUE, REFERENCE_PREFIX, String(CONCURRENCY)], {
        execArgv: ['--import', 'tsx', ...profArgs(name)],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      }),
    );
    const worker = new ReferenceWorker(child, output);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reference worker ${name}: not ready within 30 s:\n${output.text}`)), 30_000);
      child.on('message', (message: Progress) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`reference worker ${name} exited (${code}):\n${output.text}`));
      });
    });
    return worker;
  }

  /** Called on every progress message (of any worker). */
  onProgress(callback: () => void): void {
    this.waiter = callback;
  }

  stop(): Promise<void> {
    return stop(this.child, 10_000, () => this.child.send({ type: 'stop' }));
  }
}

interface ReferenceTiming {
  /** ms from the addBulk call to the last completion. */
  span: number;
  /** ms the addBulk call took (one pipeline, not a MULTI: workers take jobs while it goes on). */
  addMs: number;
  /** ms from the addBulk call to the first processor call. */
  firstProcessed: number;
  perWorker: number[];
  use: Usage;
  commands: CommandStats;
}

async function referenceRun(queue: Queue, workers: ReferenceWorker[], pids: Pids, stats: Redis): Promise<ReferenceTiming> {
  const base = workers.map((w) => w.progress.completed);
  for (const w of workers) w.child.send({ type: 'reset' });
  const jobs = Array.from({ length: TASKS }, (_, i) => ({ name: 'noop', data: { i }, opts: { removeOnComplete: true, removeOnFail: true } }));
  await stats.config('RESETSTAT');
  const done = (() => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const check = () => {
      if (workers.reduce((a, w, k) => a + w.progress.completed - base[k], 0) >= TASKS) resolve();
    };
    for (const w of workers) w.onProgress(check);
    return promise;
  })();
  const before = readUse(pids);
  const t0 = epoch();
  await queue.addBulk(jobs);
  const addMs = epoch() - t0;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`reference: ${TASKS} jobs not done within 120 s`)), 120_000);
    }),
  ]);
  clearTimeout(timer);
  const use = used(before, readUse(pids));
  const commands = await commandStats(stats);
  const last = Math.max(...workers.map((w) => w.progress.last));
  const first = Math.min(...workers.map((w) => w.progress.first).filter((x) => !Number.isNaN(x)));
  return { span: last - t0, addMs, firstProcessed: first - t0, perWorker: workers.map((w, k) => w.progress.completed - base[k]), use, commands };
}

// --- The measurements -----------------------------------------------------------------------------------

const rows: Row[] = [];

/**
 * Each process during the span (median over the runs): CPU ms, its share of the span (100% = one CPU busy
 * throughout), CPU µs per task, and read / write system calls per task (the way to and from Redis).
 */
function describeUse(uses: Usage[], spans: number[]): string[] {
  const labels = Object.keys(uses[0] ?? {});
  const lines = labels.map((label) => {
    const m = (key: keyof Use) => median(uses.map((u) => u[label][key]));
    const share = median(uses.map((u, k) => (u[label].cpu / spans[k]) * 100));
    return (
      `${label.padEnd(24)} ${fmt(m('cpu')).padStart(5)} ms CPU (${fmt(share).padStart(3)}%) ${fmt((m('cpu') * 1000) / TASKS, 1).padStart(6)} µs/task; ` +
      `${fmt(m('reads') / TASKS, 2)} reads + ${fmt(m('writes') / TASKS, 2)} writes per task`
    );
  });
  const total = (u: Usage) => Object.values(u).reduce((a, b) => a + b.cpu, 0);
  lines.push(
    `${'all of them'.padEnd(24)} ${fmt(median(uses.map(total))).padStart(5)} ms CPU       ${fmt((median(uses.map(total)) * 1000) / TASKS, 1).padStart(6)} µs/task`,
  );
  return lines;
}

/** What both sides' measurements use: the project, Redis, our workers and the reference's. */
interface Setup {
  p: TempProject;
  analysis: Analysis;
  url: string;
  /** A connection for INFO and CONFIG RESETSTAT. */
  stats: Redis;
  /** The processes of our side (this process coordinates) and of the reference's. */
  ourPids: Pids;
  refPids: Pids;
  queue: Queue;
  refWorkers: ReferenceWorker[];
}

/** Commands per task that one side sends more (+) or fewer (−) than the other, the largest first. */
function commandDifference(ours: CommandStats, theirs: CommandStats, tasks: number): string {
  const names = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  const diff = [...names]
    .map((name) => [name, ((ours[name]?.calls ?? 0) - (theirs[name]?.calls ?? 0)) / tasks] as const)
    .filter(([, d]) => Math.abs(d) >= 0.05)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  return diff.map(([name, d]) => `${name} ${d > 0 ? '+' : '−'}${fmt(Math.abs(d), 2)}`).join(', ') || 'none';
}

async function throughput(s: Setup): Promise<void> {
  console.log(`\n1. ${TASKS} no-op JavaScript tasks, ${LAYERS} layers × ${WIDTH}, 3 dependencies each, results passed`);
  console.log(
    `   ours: runJob here (records on, run concurrency ${RUN_CONCURRENCY}) over ${WORKERS} \`fastasyncio worker\` processes, --concurrency ${CONCURRENCY} each; ` +
      `tasks/s = ${TASKS} / (last task-finished − first task-started)`,
  );
  console.log(
    `   reference: a bare BullMQ Queue here, addBulk of ${TASKS} no-op jobs (removeOnComplete), ${WORKERS} Worker processes, concurrency ${CONCURRENCY} each; ` +
      `jobs/s = ${TASKS} / (addBulk call to the last completed event)`,
  );
  console.log(`   median of ${ROUNDS} alternating rounds after a warm-up of each`);
  checkResults((await ourRun(s.p, s.analysis, 'noop', s.url, s.ourPids, s.stats)).summary.results, LAYERS, WIDTH);
  await referenceRun(s.queue, s.refWorkers, s.refPids, s.stats);
  const mine: OurTiming[] = [];
  const theirs: ReferenceTiming[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const run = await ourRun(s.p, s.analysis, 'noop', s.url, s.ourPids, s.stats);
    checkResults(run.summary.results, LAYERS, WIDTH);
    mine.push(run);
    theirs.push(await referenceRun(s.queue, s.refWorkers, s.refPids, s.stats));
  }
  const ourRate = (t: OurTiming) => TASKS / ((t.last - t.first) / 1000);
  const refRate = (t: ReferenceTiming) => TASKS / (t.span / 1000);
  const oursMedian = median(mine.map(ourRate));
  const refMedian = median(theirs.map(refRate));
  const ratio = oursMedian / refMedian;
  const lastOurs = mine[mine.length - 1];
  const lastTheirs = theirs[theirs.length - 1];
  console.log(`   rounds, tasks/s: ours ${list(mine.map(ourRate))}; reference ${list(theirs.map(refRate))}`);
  console.log(`   ours       ${fmt(oursMedian).padStart(6)} tasks/s  ${fmt(ratio, 2)}× the reference`);
  console.log(`   reference  ${fmt(refMedian).padStart(6)} jobs/s`);
  console.log(
    `   ours, median ms from the runJob call: first task-started ${fmt(median(mine.map((t) => t.first)))}, last task-finished ${fmt(
      median(mine.map((t) => t.last)),
    )}, returned ${fmt(median(mine.map((t) => t.wall)))}; tasks per worker ${[...lastOurs.perWorker.entries()].map(([w, n]) => `${w} ${n}`).join(', ')} (last round)`,
  );
  console.log(
    `   reference, median ms from the addBulk call: addBulk returned ${fmt(median(theirs.map((t) => t.addMs)))}, first job processed ${fmt(
      median(theirs.map((t) => t.firstProcessed)),
    )}, last completed ${fmt(median(theirs.map((t) => t.span)))}; jobs per worker ${lastTheirs.perWorker.join(', ')} (last round)`,
  );
  console.log(`   ours, per task: ${legs(mine)}`);
  console.log(`   each process during the span (median; ${os.cpus().length} CPUs):`);
  console.log('     ours:');
  for (const line of describeUse(
    mine.map((t) => t.use),
    mine.map((t) => t.last - t.first),
  ))
    console.log(`       ${line}`);
  console.log('     reference:');
  for (const line of describeUse(
    theirs.map((t) => t.use),
    theirs.map((t) => t.span),
  ))
    console.log(`       ${line}`);
  console.log(`   Redis, last round: ours ${describeCommands(lastOurs.commands, TASKS)}`);
  console.log(`                      reference ${describeCommands(lastTheirs.commands, TASKS)}`);
  console.log(`                      ours − reference, per task: ${commandDifference(lastOurs.commands, lastTheirs.commands, TASKS)}`);
  rows.push({
    measure: `${TASKS} no-op tasks over ${WORKERS} workers (tasks/s)`,
    ours: fmt(oursMedian),
    peer: { name: `bare BullMQ Queue + ${WORKERS} Workers`, value: fmt(refMedian) },
    ratio: ratioOf(oursMedian, refMedian, 3),
    target: `≥ ${TARGET.ratio}×`,
    met: ratio >= TARGET.ratio,
  });
}

/**
 * For orientation, what BullMQ alone gives the sleeping graph: waves of SLEEP_WIDTH jobs that sleep, each
 * wave added (addBulk) once the previous one's `completed` events arrived here (QueueEvents), on the
 * reference's workers. ms from the first addBulk call to the last wave's last completed event.
 */
async function referenceWaves(s: Setup, events: QueueEvents): Promise<number> {
  const t0 = epoch();
  for (let wave = 0; wave < SLEEP_LAYERS; wave++) {
    const pending = new Set<string>();
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const onCompleted = ({ jobId }: { jobId: string }) => {
      if (pending.delete(jobId) && pending.size === 0) resolve();
    };
    events.on('completed', onCompleted);
    const added = await s.queue.addBulk(
      Array.from({ length: SLEEP_WIDTH }, (_, i) => ({ name: 'sleep', data: { sleepMs: SLEEP_MS, i }, opts: { removeOnComplete: true, removeOnFail: true } })),
    );
    // Completions that came before addBulk returned are in `seen`.
    for (const job of added) if (!seen.has(job.id!)) pending.add(job.id!);
    if (pending.size === 0) resolve();
    await done;
    events.off('completed', onCompleted);
  }
  return epoch() - t0;
}
/** Job ids whose completed event arrived (for jobs that complete before their addBulk call returns). */
const seen = new Set<string>();

async function makespan(s: Setup): Promise<void> {
  const tasks = layered('Sleeper', SLEEP_LAYERS, SLEEP_WIDTH);
  const critical = SLEEP_LAYERS * SLEEP_MS;
  const connection = new Redis(s.url, { maxRetriesPerRequest: null });
  const events = new QueueEvents(REFERENCE_QUEUE, { connection, prefix: REFERENCE_PREFIX });
  events.on('completed', ({ jobId }) => seen.add(jobId));
  try {
    await events.waitUntilReady();
    await ourRun(s.p, s.analysis, 'sleep', s.url, s.ourPids, s.stats);
    await referenceWaves(s, events);
    const runs: OurTiming[] = [];
    const waves: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const run = await ourRun(s.p, s.analysis, 'sleep', s.url, s.ourPids, s.stats);
      checkResults(run.summary.results, SLEEP_LAYERS, SLEEP_WIDTH);
      runs.push(run);
      waves.push(await referenceWaves(s, events));
    }
    const span = (t: OurTiming) => t.last - t.first;
    const ours = median(runs.map(span));
    const theirs = median(waves);
    const { beyond, startDelay } = sleepExcess(runs, tasks, SLEEP_MS);
    console.log(
      `\n2. ${tasks.length} sleeping tasks, ${SLEEP_LAYERS} layers × ${SLEEP_WIDTH}, 3 dependencies each, sleep(${SLEEP_MS}), over the same ${WORKERS} workers; median of ${ROUNDS} after a warm-up`,
    );
    console.log(`   critical path   ${critical} ms`);
    console.log(`   ours: makespan  ${fmt(ours, 1)} ms = ${fmt(ours / critical, 3)}× (rounds ${list(runs.map(span), 1)})`);
    console.log(
      `   bare BullMQ, ${SLEEP_LAYERS} waves of ${SLEEP_WIDTH} (each added when the last completed, QueueEvents), the reference's ${WORKERS} workers: ` +
        `${fmt(theirs, 1)} ms = ${fmt(theirs / critical, 3)}× (rounds ${list(waves, 1)})`,
    );
    console.log(
      `   ours, per task: task-started to task-finished beyond the ${SLEEP_MS} ms sleep, median ${fmt(median(beyond), 2)} ms (max ${fmt(Math.max(...beyond), 1)}); ` +
        `task-started after its last dependency's task-finished, median ${fmt(median(startDelay) * 1000)} µs (max ${fmt(Math.max(...startDelay), 1)} ms)`,
    );
    console.log(`   ours, per task: ${legs(runs, SLEEP_MS)}`);
    rows.push({
      measure: `sleeping tasks over ${WORKERS} workers: makespan / critical path`,
      ours: `${fmt(ours / critical, 3)}×`,
      peer: { name: 'bare BullMQ, in waves', value: `${fmt(theirs / critical, 3)}×` },
      ratio: ratioOf(ours, theirs, 3),
      target: `≤ ${TARGET.makespan}× (ours)`,
      met: ours / critical <= TARGET.makespan,
    });
  } finally {
    await events.close();
    connection.disconnect();
  }
}

// --- Main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build`);
  if (CPU_PROF) fs.mkdirSync(CPU_PROF, { recursive: true });
  const redis = await startRedis();
  const p = project();
  // On Ctrl-C too (the children are killed by noop-project's hook).
  const removeDirs = () => {
    fs.rmSync(redis.dir, { recursive: true, force: true });
    p.remove();
  };
  process.on('exit', removeDirs);
  const ours: ChildProcess[] = [];
  const refWorkers: ReferenceWorker[] = [];
  // Connections of the bench's own (a Queue leaves a connection it was given open when it closes).
  const stats = new Redis(redis.url);
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(REFERENCE_QUEUE, { connection, prefix: REFERENCE_PREFIX });
  try {
    const version = ((await stats.info('server')).match(/redis_version:(\S+)/) ?? [])[1];
    console.log(
      `bench:bullmq on Node ${process.version}, Redis ${version} (${REDIS_SERVER}, ${redis.url}), BullMQ ${(require('bullmq/package.json') as { version: string }).version}, ` +
        `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`,
    );
    const load = os.loadavg()[0];
    console.log(
      `load average ${load.toFixed(1)} at the start${load > 0.5 ? ': other processes use the CPUs, the figures suffer (the reference as well, not alike)' : ''}`,
    );
    const { analysis } = readConfigFile(p.configFile);
    if (!analysis.model) throw new Error(`the bench's config has errors: ${JSON.stringify(analysis.problems)}`);
    for (let k = 0; k < WORKERS; k++) ours.push(await startWorker(p, redis.url, `worker-${k + 1}`));
    for (let k = 0; k < WORKERS; k++) refWorkers.push(await ReferenceWorker.start(redis.url, `reference-${k + 1}`));
    const ourPids: Pids = { coordinator: process.pid, redis: redis.child.pid! };
    ours.forEach((w, k) => (ourPids[`worker ${k + 1}`] = w.pid!));
    const refPids: Pids = { 'this process (addBulk)': process.pid, redis: redis.child.pid! };
    refWorkers.forEach((w, k) => (refPids[`worker ${k + 1}`] = w.child.pid!));
    const setup: Setup = { p, analysis, url: redis.url, stats, ourPids, refPids, queue, refWorkers };
    await throughput(setup);
    await makespan(setup);
    console.log(`\nload average ${os.loadavg()[0].toFixed(1)} at the end`);
    table(rows);
  } finally {
    await Promise.all([...ours.map((w) => stop(w)), ...refWorkers.map((w) => w.stop())]);
    await queue.close().catch(() => undefined);
    connection.disconnect();
    stats.disconnect();
    await stop(redis.child, 5000);
    removeDirs();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130)); // the exit hook kills the children

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
