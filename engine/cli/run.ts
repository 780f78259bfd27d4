import { parseArgs } from 'node:util';
import { runJobInChild } from '../run/child-runner';
import { ConfigError, JobNotFoundError } from '../run/run-job';
import type { RunSummary } from '../run/events';
import { DEFAULT_OUTPUT_LIMITS, type OutputLimits } from '../run/output';
import type { Io } from './io';
import { DEFAULT_CONFIG, loadConfig, UsageError } from './load';
import { ProgressPrinter, summaryTable } from './progress';
import { formatText } from './report';

export const RUN_USAGE =
  'fastasyncio run [config] <job> [--concurrency N] [--format text|json] [--keep-runs N] [--max-task-output SIZE] [--max-run-output SIZE]';

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

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** A size such as `512KB`, `8MB` or `1048576` (bytes), for the output budget's options. */
export function byteSize(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  const n = match && unit ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${option} must be a size such as 512KB or 8MB, got "${value}"`);
  return n;
}

/** `--max-task-output` and `--max-run-output`: the run's output budget, over the defaults. */
export function outputLimits(values: { 'max-task-output'?: string; 'max-run-output'?: string }): OutputLimits {
  return {
    task: byteSize('max-task-output', values['max-task-output']) ?? DEFAULT_OUTPUT_LIMITS.task,
    run: byteSize('max-run-output', values['max-run-output']) ?? DEFAULT_OUTPUT_LIMITS.run,
  };
}

/**
 * `fastasyncio run`: runs a job in a worker process with live output, then a summary. Exit 0 succeeded,
 * 1 failed, 130 cancelled (SIGINT/SIGTERM cancel gracefully), 2 for a config with errors.
 */
export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      concurrency: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'keep-runs': { type: 'string' },
      'max-task-output': { type: 'string' },
      'max-run-output': { type: 'string' },
    },
  });
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
  const { config, job } = configAndJob(positionals);
  const concurrency = positiveInteger('concurrency', values.concurrency);
  const keep = positiveInteger('keep-runs', values['keep-runs']);
  const limits = outputLimits(values);
  const { file, analysis } = loadConfig(config);

  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  const printer = format === 'text' ? new ProgressPrinter((text) => io.write(text), io.isTTY) : undefined;
  let summary: RunSummary;
  try {
    summary = await runJobInChild({
      configFile: file,
      analysis,
      job,
      concurrency,
      record: { keep },
      outputLimits: limits,
      signal: controller.signal,
      onEvent: printer?.onEvent,
    });
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
