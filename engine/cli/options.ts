import { DEFAULT_OUTPUT_LIMITS, type OutputLimits } from '../run/output';
import { integerRule, isIntegerIn } from '../run/options';
import { checkRedisUrl, reach, RedisUnavailableError } from '../run/queue/redis';
import type { WorkersOptions } from '../run/setup';
import { UsageError } from './load';

/**
 * An integer flag (`--concurrency 4`, `--port 0`): digits only, in [min, max] (positive by default);
 * anything else is a usage error that names the flag and the value.
 */
export function integerFlag(flag: string, value: string | undefined, min = 1, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || !isIntegerIn(n, min, max)) {
    throw new UsageError(`${flag} must be ${integerRule(min, max)}, got "${value}"`);
  }
  return n;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

/** A size flag such as `512KB`, `8MB` or `1048576` (bytes), for the output budget. */
export function byteSize(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  const n = match && unit ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a size such as 512KB or 8MB, got "${value}"`);
  return n;
}

/** `--max-task-output` and `--max-run-output` (`run` and `serve`): the run's output budget, over the defaults. */
export function outputLimits(values: { 'max-task-output'?: string; 'max-run-output'?: string }): OutputLimits {
  return {
    task: byteSize('--max-task-output', values['max-task-output']) ?? DEFAULT_OUTPUT_LIMITS.task,
    run: byteSize('--max-run-output', values['max-run-output']) ?? DEFAULT_OUTPUT_LIMITS.run,
  };
}

/** `--python` (`run` and `serve`): the interpreter of Python tasks; an empty value is a mistake, not a default. */
export function pythonFlag(value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError('--python must name an interpreter (a path or a command such as python3)');
  return value;
}

/** `--redis` (`run`, `serve`, `worker`), or `FASTASYNCIO_REDIS_URL`: a redis:// or rediss:// URL. */
export function redisFlag(value: string | undefined): string | undefined {
  const url = value ?? (process.env.FASTASYNCIO_REDIS_URL?.trim() || undefined);
  if (url === undefined) return undefined;
  const problem = checkRedisUrl(url);
  if (problem) throw new UsageError(`--redis: ${problem}`);
  return url;
}

/** `--redis` with `--queue-prefix` and `--max-result-size` (`run`, `serve`): where runs send their tasks, if anywhere. */
export function workersFlags(values: { redis?: string; 'queue-prefix'?: string; 'max-result-size'?: string }): WorkersOptions | undefined {
  const redis = redisFlag(values.redis);
  const prefix = values['queue-prefix'] ?? (process.env.FASTASYNCIO_QUEUE_PREFIX?.trim() || undefined);
  const maxResultBytes = byteSize('--max-result-size', values['max-result-size']);
  if (redis === undefined) {
    if (values['queue-prefix'] !== undefined || maxResultBytes !== undefined)
      throw new UsageError('--queue-prefix and --max-result-size go with --redis (or FASTASYNCIO_REDIS_URL)');
    return undefined;
  }
  const workers: WorkersOptions = { redis };
  if (prefix) workers.prefix = prefix;
  if (maxResultBytes !== undefined) workers.maxResultBytes = maxResultBytes;
  return workers;
}

/**
 * Why runs on workers cannot start: Redis does not answer within 10 s (the message names the URL), or
 * undefined when it does. `run` and `serve` refuse at once rather than fail every run.
 */
export async function redisProblem(workers: WorkersOptions | undefined): Promise<string | undefined> {
  if (!workers) return undefined;
  try {
    (await reach(workers.redis)).disconnect();
    return undefined;
  } catch (error) {
    if (error instanceof RedisUnavailableError) return error.message;
    throw error;
  }
}

/** The flags `workersFlags` reads, for parseArgs. */
export const WORKERS_FLAGS = {
  redis: { type: 'string' },
  'queue-prefix': { type: 'string' },
  'max-result-size': { type: 'string' },
} as const;
