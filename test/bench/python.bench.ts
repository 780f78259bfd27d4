/**
 * `npm run bench:python`: the engine running the seed's kind of Python tasks (`class Noop(BaseTask)`,
 * `async def execute(self, input_data=None)`) through its Python runner, against the same graph scheduled
 * in pure Python asyncio (test/bench/python_reference.py: a ready queue, the seed's approach without its
 * stage barrier) in the same run, with the same interpreter.
 *
 * 1. 2,000 no-op tasks, 20 layers of 100, each task after 3 of the layer before, results passed (each
 *    returns 1 + the largest of its inputs, so the last layer's results say every input arrived). µs per
 *    task = (last task-finished − first task-started) / 2,000, taken with performance.now() as the
 *    events arrive here: the Python process' start-up is before the first task-started and not in the
 *    figure; the runner's import of the task module (about a millisecond, warm .pyc) comes just after it
 *    and is. Records on, as a real run. The engine in this process (`runJob`, the runner a child of this
 *    process) and through a worker process as the CLI runs it (`runJobInChild`: the events as this
 *    process receives them). Median of BENCH_ROUNDS (5) rounds after two warm-up runs, the three
 *    alternating so that a change in the machine's load hits all alike. Target ≤ 3× the reference.
 *    On Linux, the CPU time of each thread (Node's and the runner's) during the span, for where it goes.
 * 2. Start latency: spawning `node dist/cli.js run <config> clock` to its one Python task's code running
 *    (the task returns `time.time()` in ms, compared with Date.now() taken just before the spawn), with
 *    warm caches (a warm-up run first). Median of BENCH_STARTS (5). Target ≤ 300 ms.
 * 3. Sleeping tasks: 10 layers of 20, 3 dependencies each, each `await asyncio.sleep(0.1)`: the makespan
 *    (first task-started to last task-finished) against the critical path, 10 × 100 ms. Target ≤ 1.05×.
 *
 * The interpreter is the engine's own choice (FASTASYNCIO_PYTHON, else python3 on PATH; the temporary
 * projects have no .venv).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Analysis } from '../../engine/analysis/analyze';
import { readConfigFile } from '../../engine/analysis/read-config';
import { runJobInChild } from '../../engine/run/child-runner';
import type { RunEvent, RunSummary } from '../../engine/run/events';
import { findInterpreter } from '../../engine/run/python/interpreter';
import { PythonProcess } from '../../engine/run/python/process';
import { recordFile } from '../../engine/run/records';
import { runJob } from '../../engine/run/run-job';
import type { RunOptions } from '../../engine/run/setup';
import { type TempProject, tempProject } from '../helpers/project';
import { children } from './noop-project';
import { layered, sleepExcess } from './layered';
import { fmt, list, median, type Row, ratioOf, table } from './report';

/** The peer of the closing table: a ready-queue scheduler in pure asyncio (python_reference.py). */
const PEER = 'pure asyncio';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const LAYERS = 20;
const WIDTH = 100;
const TASKS = LAYERS * WIDTH;
const SLEEP_LAYERS = 10;
const SLEEP_WIDTH = 20;
const SLEEP_MS = 100;
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const REFERENCE = path.join(__dirname, 'python_reference.py');

const TARGET = { ratio: 3, startMs: 300, makespan: 1.05 };

// --- The projects -----------------------------------------------------------------------------------

/** The seed's base class; its tasks import it as `from job.task.base_task import BaseTask`. */
const BASE_TASK = `from abc import ABC, abstractmethod


class BaseTask(ABC):
    @abstractmethod
    async def execute(self, input_data=None):
        pass
`;
const NOOP = `from job.task.base_task import BaseTask


class Noop(BaseTask):
    async def execute(self, input_data=None):
        return 1 + max((input_data or {}).values(), default=0)
`;
const SLEEPER = `import asyncio

from job.task.base_task import BaseTask


class Sleeper(BaseTask):
    async def execute(self, input_data=None):
        await asyncio.sleep(${SLEEP_MS / 1000})
        return 1 + max((input_data or {}).values(), default=0)
`;
const CLOCK = `import time

from job.task.base_task import BaseTask


class Clock(BaseTask):
    async def execute(self, input_data=None):
        return time.time() * 1000
`;

const job = (name: string, tasks: object[]) => ({ name, handler: 'GenericJobHandler', tasks });
const sources = (extra: Record<string, string>) => ({ 'src/job/task/base_task.py': BASE_TASK, ...extra });

// --- Helpers ----------------------------------------------------------------------------------------

/** CPU time (ms) of each thread of a process so far, from /proc (Linux); empty elsewhere. */
function threadCpu(pid: number | 'self'): Map<string, number> {
  const cpu = new Map<string, number>();
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      cpu.set(tid, ns / 1e6);
    }
  } catch {
    // Not Linux, or the process is gone.
  }
  return cpu;
}

/** The Python runner this process started (its child running fastasyncio_runner.py), from /proc. */
function runnerPid(): number | undefined {
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
        if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('fastasyncio_runner')) return Number(entry);
      } catch {
        // Gone meanwhile.
      }
    }
  } catch {
    // Not Linux.
  }
  return undefined;
}

/** CPU ms per thread between two readings: the main thread (the lowest id, the process' own) and the rest. */
function cpuSplit(before: Map<string, number>, after: Map<string, number>, pid: number | 'self'): { main: number; rest: number[] } {
  const mainTid = pid === 'self' ? String(process.pid) : String(pid);
  let main = NaN;
  const rest: number[] = [];
  for (const [tid, ms] of after) {
    const used = ms - (before.get(tid) ?? 0);
    if (tid === mainTid) main = used;
    else rest.push(used);
  }
  return { main, rest: rest.sort((a, b) => b - a) };
}

/** CPU µs per task of each thread during the span (Linux). */
interface CpuUse {
  nodeMain: number;
  nodeOther: number;
  pythonLoop: number;
  /** The runner's other threads: its channel reader, mostly. */
  pythonOther: number;
}

/** What one run of the engine took, in ms of performance.now() from the call, as its events arrived here. */
interface EngineTiming {
  /** The run's line that names the interpreter (the Python runner up and ready). */
  ready: number;
  first: number;
  last: number;
  /** The call's return (the Python process closed, the record written). */
  wall: number;
  /** The run's own durationMs. */
  durationMs: number;
  started: Map<string, number>;
  finished: Map<string, number>;
  cpu?: CpuUse;
  summary: RunSummary;
}

async function engineRun(
  via: 'runJob' | 'runJobInChild',
  configFile: string,
  analysis: Analysis,
  name: string,
  options: { cpu?: boolean } = {},
): Promise<EngineTiming> {
  let ready = NaN;
  let durationMs = NaN;
  const started = new Map<string, number>();
  const finished = new Map<string, number>();
  const total = analysis.model!.jobs.find((j) => j.name === name)!.tasks.length;
  let pid: number | undefined;
  let before: [Map<string, number>, Map<string, number>] | undefined;
  let cpu: CpuUse | undefined;
  const t0 = performance.now();
  const onEvent = (event: RunEvent) => {
    const now = performance.now() - t0;
    if (event.type === 'task-started') {
      if (started.size === 0 && pid !== undefined) before = [threadCpu('self'), threadCpu(pid)];
      if (!started.has(event.task)) started.set(event.task, now);
    } else if (event.type === 'task-finished') {
      finished.set(event.task, now);
      if (finished.size === total && before && pid !== undefined) {
        const node = cpuSplit(before[0], threadCpu('self'), 'self');
        const python = cpuSplit(before[1], threadCpu(pid), pid);
        const perTask = (ms: number) => (ms * 1000) / total;
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        cpu = { nodeMain: perTask(node.main), nodeOther: perTask(sum(node.rest)), pythonLoop: perTask(python.main), pythonOther: perTask(sum(python.rest)) };
      }
    } else if (event.type === 'run-log' && Number.isNaN(ready) && event.message.startsWith('Python ')) {
      ready = now;
      // Before the first task: the look-up is not in the span.
      if (options.cpu) pid = runnerPid();
    } else if (event.type === 'run-finished') {
      durationMs = event.durationMs;
    }
  };
  const run: RunOptions = { configFile, analysis, job: name, record: { keep: 3 }, onEvent };
  const summary = await (via === 'runJob' ? runJob(run) : runJobInChild(run));
  const wall = performance.now() - t0;
  if (summary.status !== 'succeeded') {
    const failed = Object.entries(summary.tasks).find(([, t]) => t.status !== 'succeeded');
    throw new Error(`${via} ${name}: ${summary.status} ${summary.error ?? ''} ${failed ? `${failed[0]}: ${failed[1].error}` : ''}`);
  }
  const first = Math.min(...started.values());
  const last = Math.max(...finished.values());
  return { ready, first, last, wall, durationMs, started, finished, cpu, summary };
}

const span = (t: EngineTiming) => t.last - t.first;

/** The last layer's results are all `layers` (1 + the longest chain before them): every input arrived. */
function checkResults(results: Record<string, unknown>, layers: number, width: number, who: string): void {
  for (let i = 0; i < width; i++) {
    const value = results[`L${layers - 1}_${i}`];
    if (value !== layers) throw new Error(`${who}: L${layers - 1}_${i} returned ${JSON.stringify(value)}, expected ${layers}`);
  }
}

interface Reference {
  times_ms: number[];
  import_ms: number;
  results: Record<string, unknown>;
}

function reference(python: string, configFile: string, name: string, reps: number): Reference {
  const run = spawnSync(python, [REFERENCE, configFile, name, '--warmup', '1', '--reps', String(reps)], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`${REFERENCE} failed (${run.status ?? run.signal}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Reference;
}

/** Wall time of a command in ms (median of 3), for orientation; NaN if it fails. */
function commandMs(command: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const run = spawnSync(command, args, { stdio: 'ignore' });
    if (run.status !== 0) return NaN;
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** The Python runner alone: its spawn to its `ready` message (median of 5), then killed. */
async function runnerStartMs(executable: string, root: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const runner = new PythonProcess({ executable, source: 'bench' }, root, { message: () => undefined, output: () => undefined, exit: () => undefined });
    try {
      await runner.ready;
      times.push(performance.now() - t0);
    } finally {
      runner.kill();
      await runner.exitWithin(2000);
    }
  }
  return median(times);
}

const rows: Row[] = [];

// --- 1. Throughput ----------------------------------------------------------------------------------

async function throughput(python: string): Promise<void> {
  const p = tempProject({ jobs: [job('noop', layered('Noop', LAYERS, WIDTH))] }, sources({ 'src/job/task/noop.py': NOOP }));
  try {
    const { analysis } = readConfigFile(p.configFile);
    console.log(`\n1. ${TASKS} no-op Python tasks, ${LAYERS} layers × ${WIDTH}, 3 dependencies each, results passed; records on`);
    console.log(
      `   µs per task = (last task-finished − first task-started) / ${TASKS} (no Python start-up in it; its module import, ~1 ms, is); median of ${ROUNDS} alternating rounds after 2 warm-ups`,
    );
    for (let i = 0; i < 2; i++) {
      checkResults((await engineRun('runJob', p.configFile, analysis, 'noop')).summary.results, LAYERS, WIDTH, 'runJob');
      checkResults((await engineRun('runJobInChild', p.configFile, analysis, 'noop')).summary.results, LAYERS, WIDTH, 'runJobInChild');
    }
    const inProcess: EngineTiming[] = [];
    const inChild: EngineTiming[] = [];
    const ref: number[] = [];
    let importMs = NaN;
    for (let round = 0; round < ROUNDS; round++) {
      inProcess.push(await engineRun('runJob', p.configFile, analysis, 'noop', { cpu: true }));
      inChild.push(await engineRun('runJobInChild', p.configFile, analysis, 'noop'));
      // A process per round (its own warm-up run first), between the engine's runs.
      const r = reference(python, p.configFile, 'noop', 1);
      checkResults(r.results, LAYERS, WIDTH, 'reference');
      ref.push(...r.times_ms);
      importMs = r.import_ms;
    }
    const us = (t: EngineTiming) => (span(t) * 1000) / TASKS;
    const ours = median(inProcess.map(us));
    const child = median(inChild.map(us));
    const theirs = median(ref.map((ms) => (ms * 1000) / TASKS));
    console.log(
      `   rounds, µs/task: runJob ${list(inProcess.map(us), 1)}; runJobInChild ${list(inChild.map(us), 1)}; reference ${list(
        ref.map((ms) => (ms * 1000) / TASKS),
        1,
      )}`,
    );
    console.log(`   engine, runJob (in this process; the runner its child)       ${fmt(ours, 1).padStart(6)} µs/task  ${fmt(ours / theirs, 2)}× the reference`);
    console.log(
      `   engine, runJobInChild (a worker process, as the CLI runs)    ${fmt(child, 1).padStart(6)} µs/task  ${fmt(child / theirs, 2)}× the reference`,
    );
    console.log(
      `   reference: pure asyncio ready queue, one process             ${fmt(theirs, 1).padStart(6)} µs/task  (its module import, ${fmt(importMs, 1)} ms, not counted)`,
    );
    const phases = (ts: EngineTiming[]) =>
      `Python ready ${fmt(median(ts.map((t) => t.ready)))}, first task-started ${fmt(median(ts.map((t) => t.first)))}, last task-finished ${fmt(median(ts.map((t) => t.last)))}, ` +
      `returned ${fmt(median(ts.map((t) => t.wall)))} (run durationMs ${fmt(median(ts.map((t) => t.durationMs)))})`;
    console.log(`   whole call, median ms from it: runJob: ${phases(inProcess)}`);
    console.log(`                                  runJobInChild: ${phases(inChild)}`);
    const cpu = inProcess.map((t) => t.cpu).filter((c): c is CpuUse => c !== undefined);
    if (cpu.length > 0) {
      const m = (key: keyof CpuUse) => fmt(median(cpu.map((c) => c[key])), 1);
      console.log(
        `   CPU during the span (runJob, µs per task, median): Node main thread ${m('nodeMain')}, Node's other threads ${m('nodeOther')}; ` +
          `Python loop thread ${m('pythonLoop')}, Python's other threads (the channel reader) ${m('pythonOther')}`,
      );
    }
    // Each runner's time per task against the reference's.
    const noopRow = (runner: string, value: number): Row => ({
      measure: `${TASKS} no-op tasks, ${runner} (µs/task)`,
      ours: fmt(value, 1),
      peer: { name: PEER, value: fmt(theirs, 1) },
      ratio: ratioOf(value, theirs, 3),
      target: `≤ ${TARGET.ratio}×`,
      met: value / theirs <= TARGET.ratio,
    });
    rows.push(noopRow('runJob', ours), noopRow('runJobInChild', child));
  } finally {
    p.remove();
  }
}

// --- 2. Start latency -------------------------------------------------------------------------------

/** ms from the spawn (Date.now()) of each moment of one `fastasyncio run`. */
interface Start {
  /** The worker's run-started: the CLI up, the config read, the worker forked, up, and the config read again. */
  runStarted: number;
  /** The worker's task-started: the Python runner started and ready. */
  taskStarted: number;
  /** The task's code running (its `time.time()`). */
  total: number;
  exit: number;
}

async function cliRun(p: TempProject, env: NodeJS.ProcessEnv): Promise<Start> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, 'run', p.configFile, 'clock', '--format', 'json'], { cwd: p.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const exit = Date.now() - t0;
  if (code !== 0) throw new Error(`fastasyncio run exited with ${code}: ${stderr}${stdout}`);
  const summary = JSON.parse(stdout) as RunSummary;
  // The worker's events keep the worker's own times in the record.
  const events = fs
    .readFileSync(recordFile(p.root, summary.runId), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunEvent);
  const at = (type: RunEvent['type']) => (events.find((e) => e.type === type)?.time ?? NaN) - t0;
  return { runStarted: at('run-started'), taskStarted: at('task-started'), total: (summary.results.Clock as number) - t0, exit };
}

async function startLatency(python: string, resolved: string): Promise<void> {
  const p = tempProject({ jobs: [job('clock', [{ name: 'Clock' }])] }, sources({ 'src/job/task/clock.py': CLOCK }));
  try {
    const measure = async (env: NodeJS.ProcessEnv) => {
      await cliRun(p, env);
      const starts: Start[] = [];
      for (let i = 0; i < STARTS; i++) starts.push(await cliRun(p, env));
      return { starts, m: (key: keyof Start) => median(starts.map((s) => s[key])) };
    };
    console.log(`\n2. Start latency: spawning \`node dist/cli.js run <config> clock\` to its Python task's code running; median of ${STARTS} after a warm-up`);
    const { starts, m } = await measure(process.env);
    console.log(`   runs, ms: ${list(starts.map((s) => s.total))}`);
    console.log(
      `   median ms from the spawn: worker's run-started ${fmt(m('runStarted'))}, task-started ${fmt(m('taskStarted'))}, task code running ${fmt(m('total'))}, CLI exited ${fmt(m('exit'))}`,
    );
    const version = commandMs(process.execPath, [CLI, '--version']);
    const validate = commandMs(process.execPath, [CLI, 'validate', p.configFile]);
    const runner = await runnerStartMs(python, p.root);
    const bare = commandMs(python, ['-c', 'pass']);
    console.log(
      `   parts, measured alone (median of 3-5): \`node dist/cli.js --version\` ${fmt(version)} ms (Node and the bundle); \`node dist/cli.js validate <config>\` ${fmt(validate)} ms ` +
        `(that and the config's analysis, which the CLI and then the worker each do); the Python runner, spawn to ready, ${fmt(runner)} ms (\`${python} -c pass\` ${fmt(bare)} ms)`,
    );
    rows.push({
      measure: 'start latency, spawn to the Python task running (ms)',
      ours: fmt(m('total')),
      target: `≤ ${TARGET.startMs}`,
      met: m('total') <= TARGET.startMs,
    });
    if (resolved !== python) {
      // python3 on PATH is a launcher (a pyenv shim, say): the same with the interpreter it execs.
      const direct = await measure({ ...process.env, FASTASYNCIO_PYTHON: resolved });
      const directRunner = await runnerStartMs(resolved, p.root);
      console.log(
        `   ${python} is a launcher for ${resolved}: with FASTASYNCIO_PYTHON=${resolved}, ${fmt(direct.m('total'))} ms (${list(direct.starts.map((s) => s.total))}; ` +
          `task-started at ${fmt(direct.m('taskStarted'))}); the runner alone, spawn to ready, ${fmt(directRunner)} ms`,
      );
      rows.push({
        measure: '  the same, FASTASYNCIO_PYTHON = that interpreter itself (ms)',
        ours: fmt(direct.m('total')),
        target: `≤ ${TARGET.startMs}`,
        met: direct.m('total') <= TARGET.startMs,
      });
    }
  } finally {
    p.remove();
  }
}

// --- 3. Sleeping tasks ------------------------------------------------------------------------------

async function makespan(python: string): Promise<void> {
  const tasks = layered('Sleeper', SLEEP_LAYERS, SLEEP_WIDTH);
  const p = tempProject({ jobs: [job('sleep', tasks)] }, sources({ 'src/job/task/sleeper.py': SLEEPER }));
  try {
    const { analysis } = readConfigFile(p.configFile);
    const critical = SLEEP_LAYERS * SLEEP_MS;
    const rounds = Math.max(3, ROUNDS);
    await engineRun('runJob', p.configFile, analysis, 'sleep');
    await engineRun('runJobInChild', p.configFile, analysis, 'sleep');
    const inProcess: EngineTiming[] = [];
    const inChild: EngineTiming[] = [];
    for (let r = 0; r < rounds; r++) {
      const a = await engineRun('runJob', p.configFile, analysis, 'sleep');
      checkResults(a.summary.results, SLEEP_LAYERS, SLEEP_WIDTH, 'runJob');
      inProcess.push(a);
      inChild.push(await engineRun('runJobInChild', p.configFile, analysis, 'sleep'));
    }
    const ref = reference(python, p.configFile, 'sleep', rounds);
    checkResults(ref.results, SLEEP_LAYERS, SLEEP_WIDTH, 'reference');
    const ours = median(inProcess.map(span));
    const child = median(inChild.map(span));
    const theirs = median(ref.times_ms);
    const { beyond, startDelay } = sleepExcess(inProcess, tasks, SLEEP_MS);
    console.log(
      `\n3. ${tasks.length} sleeping tasks, ${SLEEP_LAYERS} layers × ${SLEEP_WIDTH}, 3 dependencies each, asyncio.sleep(${SLEEP_MS / 1000}); median of ${rounds}`,
    );
    console.log(`   critical path                     ${critical} ms`);
    console.log(
      `   engine, runJob: makespan          ${fmt(ours, 1)} ms = ${fmt(ours / critical, 3)}× (rounds ${list(inProcess.map(span))}); run durationMs ${fmt(median(inProcess.map((t) => t.durationMs)))} (with the Python start)`,
    );
    console.log(
      `   engine, runJobInChild: makespan   ${fmt(child, 1)} ms = ${fmt(child / critical, 3)}× (rounds ${list(inChild.map(span))}); run durationMs ${fmt(median(inChild.map((t) => t.durationMs)))}`,
    );
    console.log(`   reference (pure asyncio)          ${fmt(theirs, 1)} ms = ${fmt(theirs / critical, 3)}× (rounds ${list(ref.times_ms)})`);
    console.log(
      `   runJob, per task: started to finished beyond the ${SLEEP_MS} ms sleep, median ${fmt(median(beyond), 2)} ms (max ${fmt(Math.max(...beyond), 1)}); ` +
        `started after its last dependency finished, median ${fmt(median(startDelay) * 1000)} µs`,
    );
    // Each runner's makespan against the critical path, beside the reference's.
    const makespanRow = (runner: string, value: number): Row => ({
      measure: `sleeping tasks, ${runner}: makespan / critical path`,
      ours: `${fmt(value / critical, 3)}×`,
      peer: { name: PEER, value: `${fmt(theirs / critical, 3)}×` },
      ratio: ratioOf(value, theirs, 3),
      target: `≤ ${TARGET.makespan}× (ours)`,
      met: value / critical <= TARGET.makespan,
    });
    rows.push(makespanRow('runJob', ours), makespanRow('runJobInChild', child), {
      measure: 'sleeping tasks, runJob: run durationMs, with the Python start (ms)',
      ours: fmt(median(inProcess.map((t) => t.durationMs))),
      target: '',
    });
  } finally {
    p.remove();
  }
}

// --- Main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { executable: python, source } = findInterpreter({ root: os.tmpdir() });
  const probe = spawnSync(python, ['-c', 'import sys; print(sys.executable); print(sys.version.split()[0])'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${python} does not run: ${probe.stderr}`);
  const [resolved, version] = probe.stdout.trim().split('\n');
  console.log(
    `bench:python on Node ${process.version}, Python ${version} (${python}, from ${source}; it runs ${resolved}), ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`,
  );
  console.log(`load average ${os.loadavg()[0].toFixed(1)} at the start`);
  await throughput(python);
  await startLatency(python, resolved);
  await makespan(python);
  console.log(`\nload average ${os.loadavg()[0].toFixed(1)} at the end`);
  table(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
