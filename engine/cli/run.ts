import { parseArgs } from 'node:util';
import { runJobInChild } from '../run/child-runner';
import { ConfigError, JobNotFoundError } from '../run/run-job';
import type { RunSummary } from '../run/events';
import type { Io } from './io';
import { DEFAULT_CONFIG, loadConfig, UsageError } from './load';
import { ProgressPrinter, summaryTable } from './progress';
import { formatText } from './report';

export const RUN_USAGE = 'fastasyncio run [config] <job> [--concurrency N] [--format text|json] [--keep-runs N]';

export const EXIT = { succeeded: 0, failed: 1, config: 2, cancelled: 130 } as const;

/** Splits `[config] <job>` positionals. */
export function configAndJob(positionals: string[]): { config: string; job: string } {
  if (positionals.length === 1) return { config: DEFAULT_CONFIG, job: positionals[0] };
  if (positionals.length === 2) return { config: positionals[0], job: positionals[1] };
  throw new UsageError(positionals.length === 0 ? 'name the job to run' : `too many arguments: ${positionals.join(' ')}`);
}

export function positiveInteger(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${option} must be a positive integer, got "${value}"`);
  return n;
}

/**
 * `fastasyncio run`: runs a job in a worker process with live output, then a summary. Exit 0 succeeded,
 * 1 failed, 130 cancelled (SIGINT/SIGTERM cancel gracefully), 2 for a config with errors.
 */
export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { concurrency: { type: 'string' }, format: { type: 'string', default: 'text' }, 'keep-runs': { type: 'string' } },
  });
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
  const { config, job } = configAndJob(positionals);
  const concurrency = positiveInteger('concurrency', values.concurrency);
  const keep = positiveInteger('keep-runs', values['keep-runs']);
  const { file, analysis } = loadConfig(config);

  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  const printer = format === 'text' ? new ProgressPrinter(io.write, io.isTTY) : undefined;
  let summary: RunSummary;
  try {
    summary = await runJobInChild({ configFile: file, analysis, job, concurrency, record: { keep }, signal: controller.signal, onEvent: printer?.onEvent });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(formatText(error.problems.map((p) => ({ ...p, file }))));
      io.err(`fastasyncio run: ${error.message}`);
      return EXIT.config;
    }
    if (error instanceof JobNotFoundError) throw new UsageError(error.message);
    throw error;
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
  if (printer) {
    printer.clear();
    io.out('\n' + summaryTable(summary));
  } else {
    io.out(JSON.stringify(summary, null, 2));
  }
  return summary.status === 'succeeded' ? EXIT.succeeded : summary.status === 'cancelled' ? EXIT.cancelled : EXIT.failed;
}
