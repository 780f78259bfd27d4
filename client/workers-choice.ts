import { checkRedisUrl, shownUrl } from '../engine/run/queue/redis';
import type { WorkersOptions } from '../engine/run/setup';

/**
 * Whether Run Job offers to run on workers, and the choice it shows, decided without `vscode` (ctx.ts
 * shows it). The URL may hold a password: it is shown only through `shownUrl`, never logged.
 */

/** The Redis that runs on workers would go through, and where it came from. */
export interface RedisChoice {
  url: string;
  source: 'fastasyncio.redisUrl' | 'FASTASYNCIO_REDIS_URL';
}

/**
 * `fastasyncio.redisUrl` (RunSettings.redis), else the extension host's FASTASYNCIO_REDIS_URL, as the CLI
 * reads it; undefined when neither is set: Run Job then runs locally without asking.
 */
export function redisOf(setting: string | undefined, env: NodeJS.ProcessEnv): RedisChoice | undefined {
  if (setting?.trim()) return { url: setting.trim(), source: 'fastasyncio.redisUrl' };
  const fromEnv = env.FASTASYNCIO_REDIS_URL?.trim();
  return fromEnv ? { url: fromEnv, source: 'FASTASYNCIO_REDIS_URL' } : undefined;
}

/** An answer to "where?": its quick pick item, and the run's `workers` (none: locally) or why it cannot run there. */
export interface WhereItem {
  label: string;
  description?: string;
  detail: string;
  workers?: WorkersOptions;
  problem?: string;
}

/**
 * "Run locally" and "Run on workers", the latter with the URL, password masked, as its detail. The
 * extension host's FASTASYNCIO_QUEUE_PREFIX names the project's queue, as for the CLI and its workers.
 * A value that is not a redis:// or rediss:// URL gives a `problem` that does not repeat it (it may be a
 * password pasted in the wrong place).
 */
export function whereItems(redis: RedisChoice, env: NodeJS.ProcessEnv): WhereItem[] {
  const local: WhereItem = { label: 'Run locally', detail: 'In a process of this window, on this machine' };
  const onWorkers = { label: 'Run on workers', description: redis.source };
  if (checkRedisUrl(redis.url)) {
    const problem = `${redis.source} is not a redis:// or rediss:// URL: use redis://host:6379 or rediss://host:6380 (TLS), with :password@ if need be`;
    return [local, { ...onWorkers, detail: `$(warning) ${problem}`, problem }];
  }
  const prefix = env.FASTASYNCIO_QUEUE_PREFIX?.trim();
  return [local, { ...onWorkers, detail: shownUrl(redis.url), workers: { redis: redis.url, ...(prefix ? { prefix } : {}) } }];
}
