// `fastasyncio` (dist/cli.js), also the run's worker (`__worker`). It is kept small: the commands and the
// worker are in dist/cli-main.js, which it loads with V8's code cache (code-cache.ts). Before loading
// them, `run` starts its worker, so that the worker's Node boots while this process reads and checks the
// config: the two boots overlap instead of following each other (issue 15: the first task within 100 ms).
// esbuild.js fails the build if this bundle grows past a few KB.
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { startWorker } from './run/child-runner';
import { WORKER_COMMAND } from './run/worker-protocol';
import type { main as Main } from './cli/entry';

const args = process.argv.slice(2);
// A reader that goes away (`fastasyncio run ... | head`) ends the output, not with a stack trace. The
// worker never opens its real stdout (its tasks' output is captured), so this is for commands only.
if (args[0] !== WORKER_COMMAND) {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

// A debugged run starts its worker under the inspector, once its flags are read (run.ts).
const inspected = args.some((arg) => /^--inspect(-brk)?(=|$)/.test(arg));
const worker: ChildProcess | undefined = args[0] === 'run' && !inspected ? startWorker() : undefined;

// Required only now: what it loads (node:crypto, node:vm) would delay the worker by a few ms.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the fork, on purpose
const { loadBundle, userCacheDir } = require('./cli/code-cache') as typeof import('./cli/code-cache');
// Each role caches the functions it ran: a run's, a worker's, the other commands'.
const role = args[0] === 'run' ? 'run' : args[0] === WORKER_COMMAND ? 'worker' : 'commands';
const bundle = loadBundle(path.join(__dirname, 'cli-main.js'), role, userCacheDir());
// At exit, the cache holds every function the process ran (a worker exits with `process.exit`).
process.once('exit', bundle.writeCache);
const { main } = bundle.exports as { main: typeof Main };
void main(args, undefined, worker).then((code) => {
  // `run` kills the worker it did not use; this is for the ways out before it does (`run --help`).
  worker?.kill('SIGKILL');
  process.exitCode = code;
});
