// `npm run bench:start`: how soon a run's first task starts after the run is asked for (issue 15: within
// 100 ms after the first run), measured in one process: `runJobInChild` with a worker started for the
// run (cold, as the CLI's first run and every run before warm workers), with a warm worker (the HTTP
// server's and the extension's from their second run on), and `fastasyncio run` from spawn to its first
// task's line. The project is one no-op TypeScript task.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runJobInChild } from '../../engine/run/child-runner';
import { WarmWorkers } from '../../engine/run/warm-workers';
import { CLI } from '../helpers/cli';
import { noopProject } from './noop-project';
import { fmt, list, median, table } from './report';

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
function cliToFirstTask(configFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [CLI, 'run', configFile, 'noop', '--keep-runs', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let first = NaN;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (Number.isNaN(first) && out.includes('▶ Noop started')) first = performance.now() - start;
    });
    child.on('close', (code) => (code === 0 ? resolve(first) : reject(new Error(`fastasyncio run exited ${code}:\n${out}`))));
  });
}

async function main(): Promise<void> {
  const root = noopProject('fastasyncio-start-bench-');
  const configFile = path.join(root, 'configs/job_config.json');
  const warm = new WarmWorkers(1);
  try {
    // The first run compiles and caches the task module, as any project's first run does.
    await toFirstTask(configFile);
    const cold: number[] = [];
    const warmed: number[] = [];
    const cli: number[] = [];
    warm.fill();
    for (let i = 0; i < ROUNDS; i++) {
      cold.push(await toFirstTask(configFile));
      // A warm worker has had the time between two runs to boot.
      await sleep(300);
      warmed.push(await toFirstTask(configFile, warm));
      cli.push(await cliToFirstTask(configFile));
    }
    console.log(`start bench: a job of one no-op TypeScript task, ${ROUNDS} rounds (ms from asking for the run to its first task starting)`);
    console.log(`  runJobInChild, worker started for the run:  median ${fmt(median(cold), 1)}  (${list(cold)})`);
    console.log(`  runJobInChild, warm worker:                 median ${fmt(median(warmed), 1)}  (${list(warmed)})`);
    console.log(`  fastasyncio run (spawn to first task line): median ${fmt(median(cli), 1)}  (${list(cli)})`);
    console.log(`  warm / cold: ${fmt(median(warmed) / median(cold), 2)}x`);
    table([
      { figure: 'first task after the run is asked for, warm worker (ms)', value: fmt(median(warmed), 1), target: '≤ 100', met: median(warmed) <= 100 },
      { figure: 'first task after `fastasyncio run` is spawned (ms)', value: fmt(median(cli), 1), target: '≤ 100', met: median(cli) <= 100 },
    ]);
  } finally {
    warm.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
