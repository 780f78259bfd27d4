import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ErrorInfo, LineOrigin } from '../events';

/**
 * Runs on workers (`--redis`), declared once: what the coordinator (the process that runs the job's
 * graph) puts on the queue, what workers send back, and the names both derive from the project.
 *
 * BullMQ carries task executions to workers: one BullMQ job per attempt, on the queue `tasks` under the
 * project's prefix. The engine keeps the graph, retries and timeouts, so a BullMQ job is never retried
 * by BullMQ (a worker lost mid-task is BullMQ's stalled-job recovery: the attempt runs again on another
 * worker). What a worker has to say about an attempt (taken, its log lines, its end) goes to the run's
 * list in Redis, which the coordinator pops; cancels are published on the project's cancel channel,
 * for whichever worker holds the attempt (or takes it later: workers remember the ids they heard). Every payload is JSON.
 */

/** The version of these shapes: a worker refuses a task of another version with a clear message. */
export const QUEUE_PROTOCOL = 1;

/** The data of a BullMQ job: one attempt of one task. */
export interface QueuedTask {
  v: typeof QUEUE_PROTOCOL;
  runId: string;
  job: string;
  task: string;
  className: string;
  /** The module's path relative to the project root, with `/` (never the coordinator's absolute path). */
  module: string;
  /** sha1 of the module's content on the coordinator: a worker with another version refuses the task. */
  hash: string;
  params: Record<string, unknown>;
  attempt: number;
  input: Record<string, unknown>;
  /** The list the worker pushes its `WorkerMessage`s to. */
  replies: string;
  /** Results whose JSON is longer than this fail their task instead of filling Redis. */
  maxResultBytes: number;
}

/** What a worker says about an attempt, pushed as JSON to the run's list. `id` is the BullMQ job's id. */
export type WorkerMessage =
  | { type: 'assigned'; id: string; worker: string }
  | ({ type: 'log'; id: string; message: string } & LineOrigin)
  | { type: 'result'; id: string; worker: string; result: unknown }
  | { type: 'error'; id: string; worker: string; error: ErrorInfo }
  | { type: 'cancelled'; id: string; worker: string };

/** Published on the project's cancel channel: stop attempt `id`, wherever it runs. */
export interface CancelMessage {
  id: string;
}

/** The BullMQ queue's name, under the project's prefix. */
export const QUEUE_NAME = 'tasks';
/** Results larger than this (as JSON) fail their task: Redis is not a blob store. */
export const DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;

/**
 * The project's prefix for every key and channel: `fastasyncio:<root folder name>-<hash of the config's
 * path in it>`, the same on every machine with the same checkout layout; `FASTASYNCIO_QUEUE_PREFIX` (or
 * `--queue-prefix`) overrides it when checkouts are named differently, or to share or split queues.
 */
export function projectPrefix(root: string, configFile: string, override?: string): string {
  if (override) return override;
  const name = path.basename(root).replace(/[^A-Za-z0-9_.-]/g, '_') || 'project';
  const config = path.relative(root, configFile).split(path.sep).join('/');
  return `fastasyncio:${name}-${createHash('sha1').update(config).digest('hex').slice(0, 8)}`;
}

/** Keys and channels under a project's prefix. */
export const keys = {
  /** The run's reply list (deleted when the run ends). */
  replies: (prefix: string, runId: string) => `${prefix}:run:${runId}:replies`,
  /** Cancels, for whichever worker holds the attempt. */
  cancelChannel: (prefix: string) => `${prefix}:cancel`,
};

/** A module's path as it travels: relative to the project root, `/`-separated. */
export function portablePath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** The path on this machine of a module that travelled as `portablePath`, or undefined when it leaves the root. */
export function localPath(root: string, portable: string): string | undefined {
  const file = path.resolve(root, ...portable.split('/'));
  const relative = path.relative(root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? undefined : file;
}

export function contentHash(content: Buffer | string): string {
  return createHash('sha1').update(content).digest('hex');
}
