import * as fs from 'node:fs';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LineOrigin } from '../events';
import type { TaskExecution, TaskExecutor } from '../executor';
import { queueLibrary } from './library';
import {
  type CancelMessage,
  contentHash,
  DEFAULT_MAX_RESULT_BYTES,
  keys,
  portablePath,
  QUEUE_NAME,
  QUEUE_PROTOCOL,
  type QueuedTask,
  type WorkerMessage,
} from './protocol';
import { reach, shownUrl } from './redis';

export interface QueueExecutorOptions {
  url: string;
  runId: string;
  root: string;
  /** The project's prefix (`projectPrefix`). */
  prefix: string;
  maxResultBytes?: number;
  /** A line for the run's log: waiting for workers, a lost worker, a lost Redis. */
  log(message: string, origin?: LineOrigin): void;
}

/** An error a worker reported: its message and stack as the worker saw them. */
export class RemoteTaskError extends Error {
  constructor(message: string, stack: string | undefined) {
    super(message);
    this.stack = stack ?? message;
  }
}

/** How long Redis may stay unreachable during a run before its running tasks fail. */
const REDIS_LOST_MS = 5000;

interface Pending {
  execution: TaskExecution;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  worker?: string;
}

/**
 * Runs tasks on workers (`fastasyncio worker`) through BullMQ: the coordinator's side. Each attempt is a
 * BullMQ job; what workers say comes back through the run's reply list, which one blocking connection
 * pops in bulk. A timeout or a cancel is published to every worker (the one holding the attempt stops
 * it) and removes the job if no worker took it yet. Redis lost for `REDIS_LOST_MS` fails what runs and
 * what would run, with a message that says so; nothing waits forever.
 */
export class QueueExecutor implements TaskExecutor {
  private readonly pending = new Map<string, Pending>();
  private readonly hashes = new Map<string, string>();
  private seq = 0;
  private broken?: Error;
  private closed = false;
  private saidWaiting = false;
  private lostTimer?: NodeJS.Timeout;
  private readonly reading: Promise<void>;

  private constructor(
    private readonly options: QueueExecutorOptions,
    private readonly queue: Queue,
    private readonly commands: Redis,
    private readonly replies: Redis,
  ) {
    for (const redis of [commands, replies]) {
      redis.on('close', () => this.connectionLost());
      redis.on('ready', () => this.connectionBack());
    }
    this.reading = this.readReplies();
  }

  /** Connects (within 10 s, else a `RedisUnavailableError` naming the URL). */
  static async connect(options: QueueExecutorOptions): Promise<QueueExecutor> {
    const commands = await reach(options.url, { name: `${options.prefix}:coordinator` });
    let replies: Redis;
    try {
      replies = await reach(options.url, { blocking: true });
    } catch (error) {
      commands.disconnect();
      throw error;
    }
    const { Queue } = queueLibrary();
    const queue = new Queue(QUEUE_NAME, { connection: commands, prefix: options.prefix });
    queue.on('error', () => undefined); // reported by the connection's watch
    return new QueueExecutor(options, queue, commands, replies);
  }

  private get repliesKey(): string {
    return keys.replies(this.options.prefix, this.options.runId);
  }

  execute(execution: TaskExecution): Promise<unknown> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      const id = `${this.options.runId}-${++this.seq}`;
      this.pending.set(id, { execution, resolve, reject });
      execution.onAbort(() => this.cancel(id));
      let data: QueuedTask;
      try {
        data = this.queued(execution);
      } catch (error) {
        this.settle(id, (p) => p.reject(error));
        return;
      }
      if (this.outbox.length === 0) queueMicrotask(() => this.flush());
      this.outbox.push({ id, task: execution.task, data });
    });
  }

  private outbox: { id: string; task: string; data: QueuedTask }[] = [];

  /** Tasks that became ready together are queued together: one `addBulk`, one round trip. */
  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    const live = batch.filter((b) => this.pending.has(b.id));
    if (live.length === 0) return;
    this.queue.addBulk(live.map(({ id, data }) => ({ name: 'task', data, opts: { jobId: id, removeOnComplete: true, removeOnFail: true, attempts: 1 } }))).then(
      () => this.checkWorkers(),
      (error: Error) => {
        for (const { id, task } of live) this.settle(id, (p) => p.reject(new Error(`could not queue ${task}: ${error.message}`)));
      },
    );
  }

  private queued(execution: TaskExecution): QueuedTask {
    let hash = this.hashes.get(execution.module);
    if (hash === undefined) {
      hash = contentHash(fs.readFileSync(execution.module));
      this.hashes.set(execution.module, hash);
    }
    return {
      v: QUEUE_PROTOCOL,
      runId: execution.runId,
      job: execution.job,
      task: execution.task,
      className: execution.className,
      module: portablePath(this.options.root, execution.module),
      hash,
      params: { ...execution.params },
      attempt: execution.attempt,
      input: execution.input,
      replies: this.repliesKey,
      maxResultBytes: this.options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
    };
  }

  /** Says once when no worker listens: the run waits for one (and can be cancelled meanwhile). */
  private checkWorkers(): void {
    if (this.saidWaiting) return;
    this.saidWaiting = true;
    this.queue.getWorkersCount().then(
      (count) => {
        if (count === 0 && !this.closed) {
          this.options.log(
            `waiting for a worker on ${this.options.prefix}:${QUEUE_NAME} (start one with: fastasyncio worker <config> --redis ${shownUrl(this.options.url)})`,
            {
              level: 'warning',
            },
          );
        }
      },
      () => undefined,
    );
  }

  private async readReplies(): Promise<void> {
    while (!this.closed) {
      let first: [string, string] | null;
      try {
        first = await this.replies.blpop(this.repliesKey, 1);
      } catch {
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (!first) continue;
      const rest = (await this.replies.lpop(this.repliesKey, 999).catch(() => null)) ?? [];
      for (const line of [first[1], ...rest]) this.receive(line);
    }
  }

  private receive(line: string): void {
    let message: WorkerMessage;
    try {
      message = JSON.parse(line) as WorkerMessage;
    } catch {
      this.options.log(`a worker sent a reply that is not JSON: ${line.slice(0, 200)}`, { level: 'warning' });
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    switch (message.type) {
      case 'assigned':
        return this.ranOn(pending, message.worker);
      case 'log': {
        const origin: LineOrigin = {};
        if (message.stream) origin.stream = message.stream;
        if (message.level) origin.level = message.level;
        pending.execution.logLine(message.message, origin);
        return;
      }
      case 'result':
        this.ranOn(pending, message.worker);
        return this.settle(message.id, (p) => p.resolve(message.result));
      case 'error':
        this.ranOn(pending, message.worker);
        return this.settle(message.id, (p) => p.reject(new RemoteTaskError(message.error.message, message.error.stack)));
      case 'cancelled':
        return this.settle(message.id, (p) => p.reject(new Error('cancelled')));
    }
  }

  /**
   * The worker that runs an attempt, from its `assigned` or (a fast attempt) its end. Another worker than
   * before means the first one gave the attempt up: it was lost (its lock expired) or it stopped.
   */
  private ranOn(pending: Pending, worker: string): void {
    if (pending.worker === worker) return;
    if (pending.worker !== undefined) {
      pending.execution.logLine(`worker ${pending.worker} gave ${pending.execution.task} up (it was lost or it stopped); it runs again on ${worker}`, {
        level: 'warning',
      });
    }
    pending.worker = worker;
    pending.execution.assigned(worker);
  }

  private settle(id: string, how: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    how(pending);
  }

  /** The engine gave up on an attempt: whichever worker holds it stops it; one that takes it later skips it. */
  private cancel(id: string): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.reject(new Error('cancelled'));
    const message: CancelMessage = { id };
    void this.commands.publish(keys.cancelChannel(this.options.prefix), JSON.stringify(message)).catch(() => undefined);
    void this.queue.remove(id).catch(() => undefined);
  }

  private connectionLost(): void {
    if (this.closed || this.lostTimer || this.broken) return;
    this.lostTimer = setTimeout(() => {
      this.lostTimer = undefined;
      this.broken = new Error(`lost the connection to Redis at ${shownUrl(this.options.url)} (for ${REDIS_LOST_MS / 1000} s)`);
      this.options.log(this.broken.message, { level: 'error' });
      for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(this.broken));
    }, REDIS_LOST_MS);
  }

  private connectionBack(): void {
    clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
  }

  /** At the end of the run: jobs not taken are removed, the run's keys deleted, the connections closed. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.lostTimer);
    for (const id of this.pending.keys()) this.cancel(id);
    const tidy = async () => {
      if (this.broken) return;
      await this.commands.del(this.repliesKey);
      await this.queue.close();
    };
    await Promise.race([tidy().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
    this.replies.disconnect();
    this.commands.disconnect();
    // A blocking read sent while Redis was away never settles once disconnected (ioredis keeps it queued
    // for a reconnect that will not come): the run does not wait for it.
    await Promise.race([this.reading.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}
