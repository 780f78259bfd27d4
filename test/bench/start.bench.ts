// `npm run bench:start`: how soon a run's first task starts after the run is asked for (issue 15: within
// 100 ms after the first run), measured in one process: `runJobInChild` with a worker started for the
// run (cold, as every run before warm workers), with a warm worker (the HTTP server's and the
// extension's from their second run on), and `fastasyncio run` from spawn to its first task's line, after
// a first run has written the caches (the task module's, .fastasyncio/cache; V8's code of the CLI's
// bundle, engine/cli/code-cache.ts) and with none (the first run). The project is one no-op task.
//
// Node reads NODE_EXTRA_CA_CERTS as it boots, tens of ms when it names a large bundle, and the CLI's
// figure holds two boots (the CLI's and its worker's): when it is set, the CLI is measured without it too.
//
// `--breakdown` also times the stages of `fastasyncio run` (both processes, on one clock): a preload
// (NODE_OPTIONS=--require) marks them, and each stage's median is printed, in ms from the CLI's start.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runJobInChild } from '../../engine/run/child-runner';
import { WarmWorkers } from '../../engine/run/warm-workers';
import { CLI } from '../helpers/cli';
import { noopProject } from './noop-project';
import { fmt, list, median, ratioOf, table } from './report';

const ROUNDS = 9;

/** From the call to the run's first `task-started`, in ms. */
async function toFirstTask(configFile: string, warm?: WarmWorkers): Promise<number> {
  const start = performance.now();
  let first = NaN;
  const summary = await runJobInChild({
    configFile,
    job: 'noop',
    record: false,
    worker: warm?.take(),
    onEvent: (event) => {
      if (event.type === 'task-started' && Number.isNaN(first)) first = performance.now() - start;
    },
  });
  if (summary.status !== 'succeeded') throw new Error(`the run ${summary.status}: ${JSON.stringify(summary)}`);
  return first;
}

/** From spawning `fastasyncio run` to its first task's line on stdout, in ms. */
function cliToFirstTask(configFile: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [CLI, 'run', configFile, 'noop', '--keep-runs', '1'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let first = NaN;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (Number.isNaN(first) && out.includes('▶ Noop started')) first = performance.now() - start;
    });
    child.on('close', (code) => (code === 0 ? resolve(first) : reject(new Error(`fastasyncio run exited ${code}:\n${out}`))));
  });
}

/**
 * The preload of `--breakdown`, in both processes: each mark is `<C|W> <ms since the CLI's time origin>
 * <stage>`, appended to $START_MARKS at exit. It wraps what the stages call (fork, vm.Script, reads of
 * the config and the module caches, the start message, the task's events, the first line printed).
 */
const PRELOAD = String.raw`
const fs = require('node:fs'), path = require('node:path'), vm = require('node:vm'), cp = require('node:child_process');
const who = process.argv.includes('__worker') ? 'W' : 'C';
const marks = [[performance.timeOrigin, 'process started'], [performance.timeOrigin + performance.now(), 'Node booted (preload)']];
const mark = (stage) => marks.push([performance.timeOrigin + performance.now(), stage]);
const wrap = (object, name, before, after) => {
  const original = object[name];
  object[name] = function (...args) { before?.(...args); const result = original.apply(this, args); after?.(result, ...args); return result; };
};
// A child's send is its own property, set when it is forked.
wrap(cp, 'fork', () => mark('worker forked'), (child) => wrap(child, 'send', (message) => message?.type === 'start' && mark('start sent (config checked, run set up)')));
const Script = vm.Script;
vm.Script = function (code, options) {
  mark('bundle read and hashed');
  const script = new Script(code, options);
  mark(options?.cachedData && !script.cachedDataRejected ? 'bundle compiled (code cache)' : 'bundle compiled (no cache)');
  wrap(script, 'runInThisContext', undefined, () => mark('bundle evaluated'));
  return script;
};
const seen = new Set();
wrap(fs, 'readFileSync', (file) => {
  const name = typeof file === 'string' ? path.basename(file) : '';
  const stage = name === 'job_config.json' ? 'config read' : /^[0-9a-f]{40}\.json$/.test(name) ? 'task module read from its cache' : undefined;
  if (stage && !seen.has(stage)) { seen.add(stage); mark(stage); }
});
const emit = process.emit;
process.emit = function (event, message, ...rest) { if (event === 'message' && message?.type === 'start') mark('start received'); return emit.call(this, event, message, ...rest); };
if (process.send) wrap(process, 'send', (line) => typeof line === 'string' && line.includes('"task-started"') && !seen.has('t') && (seen.add('t'), mark('task-started sent')));
wrap(process.stdout, 'write', (text) => String(text).includes('Noop started') && mark('first task line printed'));
process.on('exit', () => fs.appendFileSync(process.env.START_MARKS, marks.map(([t, stage]) => who + ' ' + t + ' ' + stage + '\n').join('')));
`;

/** `--breakdown`: each stage's median over `rounds` runs, in ms from the CLI process' start. */
async function breakdown(configFile: string, env: NodeJS.ProcessEnv, rounds: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-start-marks-'));
  const preload = path.join(dir, 'preload.cjs');
  fs.writeFileSync(preload, PRELOAD);
  const stages = new Map<string, number[]>();
  try {
    for (let i = 0; i < rounds; i++) {
      const marksFile = path.join(dir, `${i}.txt`);
      await cliToFirstTask(configFile, { ...env, NODE_OPTIONS: `--require ${preload}`, START_MARKS: marksFile });
      const lines = fs
        .readFileSync(marksFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '));
      const origin = Number(lines.find(([who, , ...stage]) => who === 'C' && stage.join(' ') === 'process started')![1]);
      for (const [who, t, ...stage] of lines) {
        const key = `${who === 'C' ? 'CLI   ' : 'worker'}  ${stage.join(' ')}`;
        stages.set(key, [...(stages.get(key) ?? []), Number(t) - origin]);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const [stage, times] of [...stages].sort((a, b) => median(a[1]) - median(b[1]))) console.log(`  ${fmt(median(times), 1).padStart(7)}  ${stage}`);
}

async function main(): Promise<void> {
  const root = noopProject('fastasyncio-start-bench-');
  const configFile = path.join(root, 'configs/job_config.json');
  // The CLI's code cache, apart from the user's: the first run writes it, as any first run does.
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-start-cache-'));
  const env = { ...process.env, FASTASYNCIO_CACHE_DIR: cacheDir };
  const withoutCa = process.env.NODE_EXTRA_CA_CERTS === undefined ? undefined : { ...env, NODE_EXTRA_CA_CERTS: undefined };
  const warm = new WarmWorkers(1);
  try {
    // The first run compiles and caches the task module, as any project's first run does.
    await toFirstTask(configFile);
    await cliToFirstTask(configFile, env);
    const cold: number[] = [];
    const warmed: number[] = [];
    const cli: number[] = [];
    const cliFirst: number[] = [];
    const cliWithoutCa: number[] = [];
    warm.fill();
    for (let i = 0; i < ROUNDS; i++) {
      cold.push(await toFirstTask(configFile));
      // A warm worker has had the time between two runs to boot.
      await sleep(300);
      warmed.push(await toFirstTask(configFile, warm));
      // The pool boots the next warm worker now: the CLI is not measured against its boot.
      await sleep(300);
      cli.push(await cliToFirstTask(configFile, env));
      cliFirst.push(await cliToFirstTask(configFile, { ...env, FASTASYNCIO_CACHE_DIR: fs.mkdtempSync(path.join(cacheDir, 'first-')) }));
      if (withoutCa) cliWithoutCa.push(await cliToFirstTask(configFile, withoutCa));
    }
    console.log(`start bench: a job of one no-op task, ${ROUNDS} rounds (ms from asking for the run to its first task starting)`);
    console.log(`  runJobInChild, worker started for the run:  median ${fmt(median(cold), 1)}  (${list(cold)})`);
    console.log(`  runJobInChild, warm worker:                 median ${fmt(median(warmed), 1)}  (${list(warmed)})`);
    console.log(`  fastasyncio run (spawn to first task line): median ${fmt(median(cli), 1)}  (${list(cli)})`);
    console.log(`    its first run (no code cache yet):        median ${fmt(median(cliFirst), 1)}  (${list(cliFirst)})`);
    if (withoutCa) console.log(`    without NODE_EXTRA_CA_CERTS:              median ${fmt(median(cliWithoutCa), 1)}  (${list(cliWithoutCa)})`);
    console.log(`  warm / cold: ${fmt(median(warmed) / median(cold), 2)}x`);
    if (process.argv.includes('--breakdown')) {
      console.log(`\nfastasyncio run, stage by stage (median of ${ROUNDS}, ms from the CLI process' start):`);
      await breakdown(configFile, env, ROUNDS);
      if (withoutCa) {
        console.log(`\nthe same without NODE_EXTRA_CA_CERTS:`);
        await breakdown(configFile, withoutCa, ROUNDS);
      }
    }
    table([
      // The peer is the run as it started before warm workers: a worker process started for it.
      {
        measure: 'first task after the run is asked for, warm worker (ms)',
        ours: fmt(median(warmed), 1),
        peer: { name: 'ours before: a worker started for the run', value: fmt(median(cold), 1) },
        ratio: ratioOf(median(warmed), median(cold)),
        target: '≤ 100',
        met: median(warmed) <= 100,
      },
      { measure: 'first task after `fastasyncio run` is spawned (ms)', ours: fmt(median(cli), 1), target: '≤ 100', met: median(cli) <= 100 },
      // For orientation, not the target's figure: the same run where Node boots without the extra certificates.
      ...(withoutCa ? [{ measure: '  the same without NODE_EXTRA_CA_CERTS (ms)', ours: fmt(median(cliWithoutCa), 1), target: '' }] : []),
    ]);
  } finally {
    warm.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
