import type { Redis, RedisOptions } from 'ioredis';
import { queueLibrary } from './library';

/** Redis cannot be reached (at the start of a run or of a worker): the message names the URL. */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** How long connecting may take before Redis is declared unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The URL as messages show it: without its password. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Checks a `--redis` value: a `redis://` or `rediss://` URL (TLS), with a password if need be. */
export function checkRedisUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL; use redis://host:6379 or rediss://host:6380 (TLS), with :password@ if need be`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `${shownUrl(url)} is not a redis:// or rediss:// URL`;
  return undefined;
}

/**
 * A connection to Redis at `url`. `blocking`: for BullMQ workers and blocking reads (commands wait for a
 * reconnect instead of failing). Errors are reported through `onError` once per episode, never thrown
 * at the event loop.
 */
export function connect(url: string, options: { blocking?: boolean; name?: string; onError?: (error: Error) => void } = {}): Redis {
  const { Redis } = queueLibrary();
  const redisOptions: RedisOptions = {
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: options.blocking ? null : 1,
    enableAutoPipelining: !options.blocking,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  };
  if (options.name) redisOptions.connectionName = options.name;
  const redis = new Redis(url, redisOptions);
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    options.onError?.(error);
  });
  redis.on('ready', () => (reported = false));
  return redis;
}

/**
 * Connects and checks that Redis answers (and is recent enough for BullMQ), within `CONNECT_TIMEOUT_MS`;
 * otherwise a `RedisUnavailableError` that names the URL. The connection is returned open.
 */
export async function reach(url: string, options: { blocking?: boolean; name?: string } = {}): Promise<Redis> {
  const problem = checkRedisUrl(url);
  if (problem) throw new RedisUnavailableError(problem);
  let lastError: Error | undefined;
  const redis = connect(url, { ...options, onError: (error) => (lastError = error) });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      }),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = lastError?.message ?? (error as Error).message;
    throw new RedisUnavailableError(`cannot reach Redis at ${shownUrl(url)}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}
