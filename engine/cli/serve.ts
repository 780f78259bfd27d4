import { parseArgs } from 'node:util';
import { ConfigReadError } from '../config/read';
import type { ApiServer } from '../http/server';
import type { Io } from './io';
import { DEFAULT_CONFIG, UsageError, type CliCommand } from './load';
import { integerFlag, outputLimits, pythonFlag, redisProblem, WORKERS_FLAGS, workersFlags } from './options';

export const SERVE_USAGE =
  'fastasyncio serve [config] [--host 127.0.0.1] [--port 8000] [--token TOKEN] [--max-active-runs 8] [--keep-runs 50] [--max-task-output SIZE] [--max-run-output SIZE] [--python PATH] [--redis URL [--queue-prefix PREFIX] [--max-result-size SIZE]] [--cors ORIGIN] [--reuse-workers]';

/**
 * The server's log lines, written together once per turn of the event loop: a busy server starts and
 * ends hundreds of runs a second, with a line for each, and one write per line would cost a system call
 * (and a wake-up of whoever reads stderr) per line. What waits is written at exit too.
 */
function batchedLog(io: Io): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    io.err(text);
  };
  process.once('exit', flush);
  return (line) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(`fastasyncio serve: ${line}`);
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `fastasyncio serve`: the HTTP API (engine/http) over a job config until SIGINT or SIGTERM, which cancel
 * the active runs and stop. Prints the base URL on stdout; everything else goes to stderr. Exit 0 after a
 * stop, 2 for a usage error, an unreadable config, or a non-loopback address without a token, 1 when the
 * address cannot be listened on. The HTTP server's code (and fastify) is loaded only once the arguments
 * are checked: the other commands and the workers never evaluate it.
 */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      'max-active-runs': { type: 'string' },
      'keep-runs': { type: 'string' },
      'max-task-output': { type: 'string' },
      'max-run-output': { type: 'string' },
      python: { type: 'string' },
      ...WORKERS_FLAGS,
      cors: { type: 'string', multiple: true },
      'reuse-workers': { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`too many arguments: ${positionals.join(' ')}`);
  if (values.token !== undefined && values.token.trim() === '') throw new UsageError('--token must not be empty');
  const token = values.token ?? (process.env.FASTASYNCIO_TOKEN?.trim() ? process.env.FASTASYNCIO_TOKEN : undefined);
  const port = integerFlag('--port', values.port, 0, 65535);
  const maxActiveRuns = integerFlag('--max-active-runs', values['max-active-runs'], 1, 10_000);
  const keepRuns = integerFlag('--keep-runs', values['keep-runs'], 1, 100_000);
  const limits = outputLimits(values);
  const configFile = positionals[0] ?? DEFAULT_CONFIG;
  const workers = workersFlags(values);
  const unreachable = await redisProblem(workers);
  if (unreachable) {
    io.err(`fastasyncio serve: ${unreachable}`);
    return 2;
  }

  const http = await import('../http/server.js');
  const host = values.host ?? http.DEFAULT_HOST;
  let server: ApiServer;
  try {
    server = http.createServer({
      configFile,
      host,
      port,
      token,
      maxActiveRuns,
      keepRuns,
      outputLimits: limits,
      python: pythonFlag(values.python),
      workers,
      cors: values.cors,
      reuseWorkers: values['reuse-workers'] === true,
      log: batchedLog(io),
    });
  } catch (error) {
    if (error instanceof ConfigReadError) throw new UsageError(error.message);
    throw error;
  }
  // Listened for before binding: a Ctrl-C while the server starts still closes it.
  const stopped = stopSignal();
  let url: string;
  try {
    url = await server.listen();
  } catch (error) {
    await server.close();
    if (error instanceof http.UnsafeBindError) {
      io.err(`fastasyncio serve: ${error.message}`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    io.err(
      `fastasyncio serve: cannot listen on ${host}:${port ?? http.DEFAULT_PORT}: ${code === 'EADDRINUSE' ? 'the address is in use' : code === 'EACCES' ? 'permission denied' : (code ?? String(error))}`,
    );
    return 1;
  }
  io.out(`listening on ${url}`);
  io.err(
    `fastasyncio serve: ${server.config.file}; ${token ? 'a bearer token is required' : 'no token'}; ${server.runs.maxActiveRuns} active runs at most${values['reuse-workers'] ? '; runs share reused workers (--reuse-workers)' : ''}; Ctrl-C stops`,
  );
  const signal = await stopped;
  io.err(`fastasyncio serve: ${signal}: stopping${server.runs.activeRuns ? `, cancelling ${server.runs.activeRuns} active run(s)` : ''}`);
  await server.close();
  return 0;
}

export const command: CliCommand = { usage: SERVE_USAGE, run: serveCommand };
