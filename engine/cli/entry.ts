import type { ChildProcess } from 'node:child_process';
import type { Io } from './io';
import { WORKER_COMMAND } from '../run/worker-protocol';

/**
 * The entry of dist/cli-main.js, which dist/cli.js (engine/cli.ts) loads. Each role evaluates only the
 * code it runs, a cost both processes of a run pay before its first task: a worker, the engine's run code
 * (the scheduler, the loaders, the runtime), not the commands; the commands, not the worker's code.
 * `require` makes esbuild evaluate a module and its imports when it is first required, not with the bundle.
 */
export function main(argv: string[], io?: Io, worker?: ChildProcess): Promise<number> {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded when called, on purpose (above) */
  if (argv[0] === WORKER_COMMAND && process.send) return (require('../run/worker') as typeof import('../run/worker')).runWorker();
  return (require('./main') as typeof import('./main')).main(argv, io, worker);
  /* eslint-enable @typescript-eslint/no-require-imports */
}
