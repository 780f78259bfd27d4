import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ConfigModel } from '../../config/types';
import { captureOutput } from '../capture';
import type { LineOrigin } from '../events';
import { TaskExecution } from '../executor';
import { InProcessExecutor } from '../in-process-executor';
import { ModuleExecutor } from '../module-executor';
import { PythonRuntime } from '../python/runtime';
import { loadScope } from '../setup';
import { errorInfo } from '../scheduler';
import { queueLibrary } from './library';
import { type CancelMessage, contentHash, keys, localPath, QUEUE_NAME, QUEUE_PROTOCOL, type QueuedTask, type WorkerMessage } from './protocol';
import { reach, shownUrl } from './redis';

export interface QueueWorkerOptions {
  url: string;
  model: ConfigModel;
  prefix: string;
  /** Attempts run at once. Default 4. */
  concurrency?: number;
  /** The worker's name in summaries: host name and process id by default. */
  name?: string;
  /**
   * How long a worker that died keeps its attempt before another worker takes it (BullMQ's lock
   * duration; its stalled-job check runs twice as often). Default 10 s: a lost attempt runs again within 15 s.
   */
  stalledAfterMs?: number;
  /** How long running attempts may take to finish when the worker stops, before they go back to the queue. */
  graceMs?: number;
  python?: string;
  /** The worker's own lines (ready, problems): to its real stdout, since task output is captured. */
  say(line: string): void;
}

export const DEFAULT_STALLED_AFTER_MS = 10_000;
const DEFAULT_GRACE_MS = 10_000;
/** How long an attempt that was told to stop may take before the worker gives up on it. */
const CANCEL_GRACE_MS = 2000;
/** An attempt running longer than this is reported taken (`assigned`) before its end. */
const ASSIGNED_AFTER_MS = 20;

export function defaultWorkerName(): string {
  return `${os.hostname()}-${process.pid}`;
}

interface Holding {
  execution: TaskExecution;
  /** Set when the attempt was told to stop (a cancel); `'shutdown'` when the worker stops. */
  stopped?: 'cancel' | 'shutdown';
  release(): void;
}

/**
 * A long-running worker for one project (`fastasyncio worker`): takes its tasks from the queue and runs
 * them with the same executors as local runs (TypeScript and JavaScript in this process, what they print
 * captured as their log lines; Python in a Python runner it keeps), and sends back results, logs and
 * errors. A task runs only if its module has the coordinator's content. Stopping (`stop()`): no new tasks;
 * running ones get `graceMs`, then go back to the queue for another worker.
 */
export class QueueWorker {
  readonly name: string;
  private worker?: Worker;
  private subscriber?: Redis;
  private commands?: Redis;
  /** The Worker's own connection: BullMQ does not close a connection it was given. */
  private blocking?: Redis;
  private readonly holding = new Map<string, Holding>();
  /** Attempts cancelled before this worker took them (heard on the cancel channel). */
  private readonly cancelledEarly = new Set<string>();
  /** Each module's content hash, by its size and modification time: read once, not for every task. */
  private readonly hashes = new Map<string, { size: number; mtimeMs: number; hash: string }>();
  /** The content (sha1) of each module as this worker first ran it. */
  private readonly loaded = new Map<string, string>();
  /** Replies on their way to Redis. */
  private readonly sending = new Set<Promise<void>>();
  private readonly executor: ModuleExecutor;
  private readonly python: PythonRuntime;

  constructor(private readonly options: QueueWorkerOptions) {
    this.name = options.name ?? defaultWorkerName();
    this.python = new PythonRuntime({ root: options.model.layout.root, python: options.python, log: (line) => options.say(line) });
    this.executor = new ModuleExecutor(new InProcessExecutor(loadScope(options.model)), this.python);
  }

  /** Connects (a `RedisUnavailableError` naming the URL within 10 s), then takes tasks. */
  async start(): Promise<void> {
    const { url, prefix } = this.options;
    this.commands = await reach(url);
    this.subscriber = await reach(url, { blocking: true });
    const blocking = (this.blocking = await reach(url, { blocking: true, name: `${prefix}:worker:${this.name}` }));
    await this.subscriber.subscribe(keys.cancelChannel(prefix));
    this.subscriber.on('message', (_channel: string, text: string) => this.cancelled(text));
    // From here on, what task code prints is its own (the worker's own lines go through `say`).
    captureOutput(
      (stream, line) => this.options.say(`${stream === 'stderr' ? 'stderr' : 'stdout'} (outside tasks): ${line}`),
      () => undefined,
    );
    const stalledAfter = this.options.stalledAfterMs ?? DEFAULT_STALLED_AFTER_MS;
    const { Worker } = queueLibrary();
    this.worker = new Worker(QUEUE_NAME, (job, token) => this.process(job as Job<QueuedTask>, token), {
      connection: blocking,
      prefix,
      name: this.name,
      concurrency: this.options.concurrency ?? 4,
      lockDuration: stalledAfter,
      stalledInterval: Math.max(1000, Math.round(stalledAfter / 2)),
      // The engine owns retries; stalls (a worker lost) are BullMQ's to recover, a few times over.
      maxStalledCount: 5,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    // Said once while it repeats (BullMQ reports every reconnect attempt while Redis is away).
    let lastError: string | undefined;
    this.worker.on('error', (error) => {
      if (error.message !== lastError) this.options.say(`worker error: ${error.message}`);
      lastError = error.message;
    });
    blocking.on('ready', () => (lastError = undefined));
    await this.worker.waitUntilReady();
    this.options.say(
      `fastasyncio worker ${this.name} ready: ${prefix}:${QUEUE_NAME} on ${shownUrl(url)}, concurrency ${this.options.concurrency ?? 4}, a lost task is taken again after ${stalledAfter / 1000} s`,
    );
  }

  private send(replies: string, message: WorkerMessage): void {
    const commands = this.commands!;
    // A coordinator that died leaves its list: it expires. Set by the push that makes the list (a
    // length of 1: the coordinator empties it as it reads, and the next push makes a new one), not by
    // every push: one command less per task.
    const sent = commands
      .rpush(replies, JSON.stringify(message))
      .then((length) => (length === 1 ? commands.expire(replies, 24 * 3600) : 0))
      .then(
        () => undefined,
        () => undefined,
      );
    // Tracked until Redis has them: a worker that stops must not drop the last result it sends.
    this.sending.add(sent);
    void sent.then(() => this.sending.delete(sent));
  }

  private async process(job: Job<QueuedTask>, token: string | undefined): Promise<void> {
    const data = job.data;
    const id = job.id!;
    if ((data?.v as number | undefined) !== QUEUE_PROTOCOL) {
      if (data?.replies)
        this.send(
          data.replies,
          this.failure(id, `this worker speaks the queue protocol ${QUEUE_PROTOCOL}, the task came with ${String(data?.v)}: update one of them`),
        );
      return;
    }
    const reply = (message: WorkerMessage) => this.send(data.replies, message);
    // Cancelled before it was taken: the coordinator settled it already (and may have ended, its list
    // deleted), so nothing is said about it. (From here to `holding.set` nothing awaits: a cancel
    // heard meanwhile finds it held.)
    if (this.cancelledEarly.delete(id)) return;
    const file = localPath(this.options.model.layout.root, data.module);
    const mismatch = this.versionProblem(file, data);
    if (mismatch) {
      reply(this.failure(id, mismatch));
      return;
    }
    // Said only for an attempt that takes a while: a fast one's result names its worker.
    const assigned = setTimeout(() => reply({ type: 'assigned', id, worker: this.name }), ASSIGNED_AFTER_MS);
    const execution = new TaskExecution(data.runId, data.job, data.task, data.className, file!, data.params, data.attempt, data.input, {
      // Once aborted (cancelled, or the worker stops), the coordinator no longer listens for this attempt.
      log: (_task, message, origin?: LineOrigin) => {
        if (!execution.aborted) reply({ type: 'log', id, message, ...origin });
      },
      assigned: () => undefined,
    });
    let release!: () => void;
    const released = new Promise<'released'>((resolve) => (release = () => resolve('released')));
    const holding: Holding = { execution, release };
    this.holding.set(id, holding);
    try {
      const outcome = await Promise.race([this.executor.execute(execution), released]);
      if (outcome === 'released' || holding.stopped) throw new Error('stopped');
      const json = JSON.stringify(outcome);
      if (json !== undefined && json.length > data.maxResultBytes) {
        reply(
          this.failure(
            id,
            `the result of ${data.task} is ${(json.length / 1024).toFixed(0)} KB of JSON, over the ${(data.maxResultBytes / 1024).toFixed(0)} KB allowed through Redis (--max-result-size)`,
          ),
        );
      } else {
        reply({ type: 'result', id, worker: this.name, result: outcome });
      }
    } catch (error) {
      if (holding.stopped === 'shutdown') {
        // Back to the queue: another worker (or this one, restarted) runs it.
        await job.moveToWait(token);
        throw new (queueLibrary().WaitingError)();
      }
      // A cancelled attempt was settled by the coordinator when it cancelled it: a reply now would only
      // make a new list for a run that may have ended.
      if (holding.stopped !== 'cancel') {
        const info = errorInfo(error);
        reply({ type: 'error', id, worker: this.name, error: info });
      }
    } finally {
      clearTimeout(assigned);
      this.holding.delete(id);
    }
  }

  private failure(id: string, message: string): WorkerMessage {
    return { type: 'error', id, worker: this.name, error: { message } };
  }

  /** Why this worker must not run the task: its module is missing or has other content than the coordinator's. */
  private versionProblem(file: string | undefined, data: QueuedTask): string | undefined {
    if (!file) return `${data.module} is outside this worker's project (${this.options.model.layout.root})`;
    let hash: string;
    try {
      hash = this.hashOf(file);
    } catch {
      return `${data.module} is missing on worker ${this.name} (project ${this.options.model.layout.root})`;
    }
    if (hash === data.hash) {
      // Loaded modules stay loaded (JavaScript's and Python's): the content that counts is the one this
      // worker ran first, not the one on disk now.
      const loaded = this.loaded.get(file);
      if (loaded === undefined) this.loaded.set(file, hash);
      if (loaded === undefined || loaded === hash) return undefined;
      return `${data.module} changed since worker ${this.name} loaded it (sha1 ${loaded.slice(0, 12)} loaded, ${hash.slice(0, 12)} now and on the coordinator): restart the worker to run the new version`;
    }
    return `${data.module} differs between the coordinator and worker ${this.name} (sha1 ${data.hash.slice(0, 12)} there, ${hash.slice(0, 12)} here): update the worker's checkout`;
  }

  private hashOf(file: string): string {
    const { size, mtimeMs } = fs.statSync(file);
    const known = this.hashes.get(file);
    if (known && known.size === size && known.mtimeMs === mtimeMs) return known.hash;
    const hash = contentHash(fs.readFileSync(file));
    this.hashes.set(file, { size, mtimeMs, hash });
    return hash;
  }

  private cancelled(text: string): void {
    let id: string;
    try {
      id = (JSON.parse(text) as CancelMessage).id;
    } catch {
      return;
    }
    const holding = this.holding.get(id);
    if (!holding) {
      // Not taken yet, by this worker at least: if it is, it is skipped. The newest few thousand are kept.
      this.cancelledEarly.add(id);
      if (this.cancelledEarly.size > 10_000) this.cancelledEarly.delete(this.cancelledEarly.values().next().value!);
      return;
    }
    if (holding.stopped) return;
    holding.stopped = 'cancel';
    holding.execution.abort(new Error('cancelled'));
    // A task that does not stop frees its slot anyway (it is abandoned, as in a local run).
    setTimeout(() => holding.release(), CANCEL_GRACE_MS).unref();
  }

  /** Stops taking tasks; running ones get the grace period, then go back to the queue. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker) {
      const closing = worker.close();
      const graceful = await Promise.race([
        closing.then(() => true),
        // Unref'd: a worker that stopped at once must not stay for the grace period.
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.options.graceMs ?? DEFAULT_GRACE_MS).unref()),
      ]);
      if (!graceful) {
        for (const holding of this.holding.values()) {
          holding.stopped = 'shutdown';
          holding.execution.abort(new Error('the worker is stopping'));
          holding.release();
        }
        await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
      }
    }
    await this.python.close();
    await Promise.race([Promise.all(this.sending), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    this.subscriber?.disconnect();
    this.commands?.disconnect();
    this.blocking?.disconnect();
  }
}
