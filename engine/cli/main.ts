import { processIo, type Io } from './io';
import { UsageError } from './load';
import { closestName } from '../analysis/similar';
import { GRAPH_USAGE, graphCommand } from './graph';
import { LIST_USAGE, listCommand } from './list';
import { RUN_USAGE, runCommand } from './run';
import { RUNS_USAGE, runsCommand } from './runs';
import { VALIDATE_USAGE, validateCommand } from './validate';
import { SERVE_USAGE, serveCommand } from './serve';
import { WORKER_USAGE, workerCommand } from './worker';
import { runWorker } from '../run/worker';
import { WORKER_COMMAND } from '../run/worker-protocol';

type Command = (args: string[], io: Io) => number | Promise<number>;

const COMMANDS: Record<string, { usage: string; run: Command }> = {
  validate: { usage: VALIDATE_USAGE, run: validateCommand },
  run: { usage: RUN_USAGE, run: runCommand },
  runs: { usage: RUNS_USAGE, run: runsCommand },
  list: { usage: LIST_USAGE, run: listCommand },
  graph: { usage: GRAPH_USAGE, run: graphCommand },
  // Loads the HTTP server's code when it runs: workers and the other commands never evaluate it.
  serve: { usage: SERVE_USAGE, run: serveCommand },
  worker: { usage: WORKER_USAGE, run: workerCommand },
};

const HELP = `fastasyncio: validate and run FastAsyncio job graphs

Usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}`)
  .join('\n')}

Exit codes: 0 success, 1 problems found or the run failed, 2 usage error or a config with errors,
130 run cancelled.`;

/**
 * Runs the CLI and returns its exit code. A usage error is one line on stderr and the command's usage
 * line, never a stack trace; `<command> --help` prints the usage line.
 */
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
    const close = closestName(name, Object.keys(COMMANDS));
    io.err(`fastasyncio: unknown command "${name}"${close ? `; did you mean "${close}"?` : ''} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  const end = args.indexOf('--');
  if (args.slice(0, end < 0 ? undefined : end).some((a) => a === '--help' || a === '-h')) {
    io.out(`usage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const message = usageMessage(error, command.usage);
    if (message !== undefined) {
      io.err(`fastasyncio ${name}: ${message}`);
      io.err(`usage: ${command.usage}`);
      return 2;
    }
    io.err(`fastasyncio ${name}: internal error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.FASTASYNCIO_DEBUG) io.err(String((error as Error).stack));
    return 70;
  }
}

/**
 * The one-line message of a usage error, or undefined for any other error. `parseArgs`'s own messages
 * (several sentences about positionals after `--`) are replaced by one line, with a "did you mean" for a
 * mistyped option; the options a command takes are those its usage line shows.
 */
function usageMessage(error: unknown, usage: string): string | undefined {
  if (error instanceof UsageError) return error.message;
  const code = error instanceof TypeError ? (error as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS')) return undefined;
  const message = (error as Error).message;
  const option = /'(?:-\w, )?(--?[^' =]+)/.exec(message)?.[1];
  if (option === undefined) return message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const options = [...new Set(usage.match(/--[a-z][a-z-]*/g))];
    const close = closestName(option, options) ?? options.find((o) => option.length > 3 && o.startsWith(option));
    return `unknown option ${option}${close ? `; did you mean ${close}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return message.includes('argument missing') ? `${option} needs a value` : `${option} takes no value`;
  return message;
}
