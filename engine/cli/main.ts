import type { ChildProcess } from 'node:child_process';
import { processIo, type Io } from './io';
import { type CliCommand, UsageError } from './load';
import { closestName } from '../analysis/similar';

/* eslint-disable @typescript-eslint/no-require-imports -- each command's code is loaded when it is named */
/**
 * Each command's module is loaded when the command is named: `run` does not evaluate the graph view, the
 * queue worker or the task loaders before its first task (issue 15), and `serve` loads the HTTP server
 * only when it runs. The help loads them all, for their usage lines.
 */
const COMMANDS: Record<string, () => CliCommand> = {
  validate: () => (require('./validate') as typeof import('./validate')).command,
  run: () => (require('./run') as typeof import('./run')).command,
  runs: () => (require('./runs') as typeof import('./runs')).command,
  list: () => (require('./list') as typeof import('./list')).command,
  graph: () => (require('./graph') as typeof import('./graph')).command,
  serve: () => (require('./serve') as typeof import('./serve')).command,
  worker: () => (require('./worker') as typeof import('./worker')).command,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const help = () => `fastasyncio: validate and run FastAsyncio job graphs

Usage:
${Object.values(COMMANDS)
  .map((load) => `  ${load().usage}`)
  .join('\n')}

Exit codes: 0 success, 1 problems found or the run failed, 2 usage error or a config with errors,
130 run cancelled.`;

/**
 * Runs the CLI and returns its exit code. A usage error is one line on stderr and the command's usage
 * line, never a stack trace; `<command> --help` prints the usage line.
 */
export async function main(argv: string[], io: Io = processIo, worker?: ChildProcess): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out(process.env.FASTASYNCIO_VERSION ?? '0.1.0');
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name]() : undefined;
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
    return await command.run(args, io, worker);
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
