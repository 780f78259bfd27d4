import { processIo, type Io } from './io';
import { UsageError } from './load';
import { GRAPH_USAGE, graphCommand } from './graph';
import { LIST_USAGE, listCommand } from './list';
import { RUN_USAGE, runCommand } from './run';
import { RUNS_USAGE, runsCommand } from './runs';
import { VALIDATE_USAGE, validateCommand } from './validate';
import { SERVE_USAGE } from '../http/usage';
import { runWorker } from '../run/worker';
import { WORKER_COMMAND } from '../run/worker-protocol';

type Command = (args: string[], io: Io) => number | Promise<number>;

const COMMANDS: Record<string, { usage: string; run: Command }> = {
  validate: { usage: VALIDATE_USAGE, run: validateCommand },
  run: { usage: RUN_USAGE, run: runCommand },
  runs: { usage: RUNS_USAGE, run: runsCommand },
  list: { usage: LIST_USAGE, run: listCommand },
  graph: { usage: GRAPH_USAGE, run: graphCommand },
  // Loaded on demand: workers and the other commands never evaluate the HTTP server's code.
  serve: { usage: SERVE_USAGE, run: async (args, io) => (await import('../http/serve.js')).serveCommand(args, io) },
};

const HELP = `fastasyncio: validate and run FastAsyncio job graphs

Usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}

Exit codes: 0 success, 1 problems found or the run failed, 2 usage error or a config with errors,
130 run cancelled.`;

/** Runs the CLI and returns its exit code. Usage errors are one line on stderr, never a stack trace. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === WORKER_COMMAND && process.send) return runWorker();
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out(process.env.FASTASYNCIO_VERSION ?? '0.1.0');
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`fastasyncio: unknown command "${name}"; try: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || isArgsError(error)) {
      io.err(`fastasyncio ${name}: ${(error as Error).message} (usage: ${command.usage})`);
      return 2;
    }
    io.err(`fastasyncio ${name}: internal error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.FASTASYNCIO_DEBUG) io.err(String((error as Error).stack));
    return 70;
  }
}

function isArgsError(error: unknown): boolean {
  const code = error instanceof TypeError ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
