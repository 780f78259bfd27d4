import { main } from './cli/main';
import { WORKER_COMMAND } from './run/worker-protocol';

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

void main(args).then((code) => {
  process.exitCode = code;
});
