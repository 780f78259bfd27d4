import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_STALLED_AFTER_MS, QueueWorker } from '../run/queue/queue-worker';
import { projectPrefix } from '../run/queue/protocol';
import { RedisUnavailableError } from '../run/queue/redis';
import type { Io } from './io';
import { DEFAULT_CONFIG, loadConfig, UsageError, type CliCommand } from './load';
import { integerFlag, pythonFlag, redisFlag } from './options';
import { errorsLine, formatText, problemsOf } from './report';

export const WORKER_USAGE =
  'fastasyncio worker [config] --redis URL [--concurrency N] [--name NAME] [--queue-prefix PREFIX] [--stalled-after SECONDS] [--python PATH]';

/**
 * `fastasyncio worker`: runs the tasks of runs on workers (`run --redis`) for one project until SIGTERM
 * or Ctrl-C, which stop it gracefully (exit 0). Exit 2 for a usage error, a config that cannot be read,
 * or Redis that cannot be reached within 10 s.
 */
export async function workerCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      name: { type: 'string' },
      'queue-prefix': { type: 'string' },
      'stalled-after': { type: 'string' },
      python: { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`too many arguments: ${positionals.join(' ')}`);
  const url = redisFlag(values.redis);
  if (url === undefined) throw new UsageError('--redis is required (or FASTASYNCIO_REDIS_URL): the Redis that the runs use');
  const concurrency = integerFlag('--concurrency', values.concurrency, 1, 1000) ?? 4;
  const stalledAfter = integerFlag('--stalled-after', values['stalled-after'], 1, 3600);
  if (values.name !== undefined && !/^[\w.@-]{1,100}$/.test(values.name)) throw new UsageError('--name: letters, digits, ".", "_", "-" and "@", at most 100');
  const python = pythonFlag(values.python);
  const { file, analysis } = loadConfig(positionals[0] ?? DEFAULT_CONFIG);
  if (!analysis.model) {
    io.err(formatText(problemsOf(file, analysis)));
    io.err(`fastasyncio worker: ${errorsLine(file, analysis.problems, 'before serving its tasks')}`);
    return 2;
  }
  const model = analysis.model;
  // Task output is captured once the worker runs; its own lines go straight to the descriptor.
  const say = (line: string) => {
    try {
      fs.writeSync(1, line.endsWith('\n') ? line : `${line}\n`);
    } catch {
      // A reader that went away does not stop the worker.
    }
  };
  const worker = new QueueWorker({
    url,
    model,
    prefix: projectPrefix(model.layout.root, model.layout.configFile, values['queue-prefix'] ?? (process.env.FASTASYNCIO_QUEUE_PREFIX?.trim() || undefined)),
    concurrency,
    name: values.name,
    stalledAfterMs: stalledAfter === undefined ? DEFAULT_STALLED_AFTER_MS : stalledAfter * 1000,
    python,
    say,
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      say(`fastasyncio worker ${worker.name}: stopping (running tasks get 10 s, then go back to the queue)`);
      void worker.stop().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  try {
    await worker.start();
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    io.err(`fastasyncio worker: ${error.message}`);
    return 2;
  }
  await stopped;
  say(`fastasyncio worker ${worker.name}: stopped`);
  // Task code that was abandoned (timed out or cancelled, ignoring its signal) may still hold timers or
  // sockets: they must not keep a stopped worker alive.
  setTimeout(() => process.exit(0), 200).unref();
  return 0;
}

export const command: CliCommand = { usage: WORKER_USAGE, run: workerCommand };
