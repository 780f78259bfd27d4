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
import { loadScope } from '../run-job';
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
  private readonly holding = new Map<string, Holding>();
  private readonly executor: ModuleExecutor;
  private readonly python: PythonRuntime;
  private readonly expiring = new Set<string>();

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
    const blocking = await reach(url, { blocking: true, name: `${prefix}:worker:${this.name}` });
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
    this.worker.on('error', (error) => this.options.say(`worker error: ${error.message}`));
    await this.worker.waitUntilReady();
    this.options.say(
      `fastasyncio worker ${this.name} ready: ${prefix}:${QUEUE_NAME} on ${shownUrl(url)}, concurrency ${this.options.concurrency ?? 4}, a lost task is taken again after ${stalledAfter / 1000} s`,
    );
  }

  private send(replies: string, runId: string, message: WorkerMessage): void {
    const commands = this.commands!;
    void commands.rpush(replies, JSON.stringify(message)).catch(() => undefined);
    // A coordinator that died leaves its list: it expires.
    if (!this.expiring.has(runId)) {
      this.expiring.add(runId);
      if (this.expiring.size > 1000) this.expiring.clear();
      void commands.expire(replies, 24 * 3600).catch(() => undefined);
    }
  }

  private async process(job: Job<QueuedTask>, token: string | undefined): Promise<void> {
    const data = job.data;
    const id = job.id!;
    if ((data?.v as number | undefined) !== QUEUE_PROTOCOL) {
      if (data?.replies)
        this.send(
          data.replies,
          data.runId,
          this.failure(id, `this worker speaks the queue protocol ${QUEUE_PROTOCOL}, the task came with ${String(data?.v)}: update one of them`),
        );
      return;
    }
    const reply = (message: WorkerMessage) => this.send(data.replies, data.runId, message);
    if (await this.commands!.sismember(keys.cancelled(this.options.prefix, data.runId), id)) {
      reply({ type: 'cancelled', id, worker: this.name });
      return;
    }
    const file = localPath(this.options.model.layout.root, data.module);
    const mismatch = this.versionProblem(file, data);
    if (mismatch) {
      reply(this.failure(id, mismatch));
      return;
    }
    reply({ type: 'assigned', id, worker: this.name });
    const execution = new TaskExecution(data.runId, data.job, data.task, data.className, file!, data.params, data.attempt, data.input, {
      log: (_task, message, origin?: LineOrigin) => reply({ type: 'log', id, message, ...origin }),
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
      if (holding.stopped === 'cancel') reply({ type: 'cancelled', id, worker: this.name });
      else {
        const info = errorInfo(error);
        reply({ type: 'error', id, worker: this.name, error: info });
      }
    } finally {
      this.holding.delete(id);
    }
  }

  private failure(id: string, message: string): WorkerMessage {
    return { type: 'error', id, worker: this.name, error: { message } };
  }

  /** Why this worker must not run the task: its module is missing or has other content than the coordinator's. */
  private versionProblem(file: string | undefined, data: QueuedTask): string | undefined {
    if (!file) return `${data.module} is outside this worker's project (${this.options.model.layout.root})`;
    let content: Buffer;
    try {
      content = fs.readFileSync(file);
    } catch {
      return `${data.module} is missing on worker ${this.name} (project ${this.options.model.layout.root})`;
    }
    const hash = contentHash(content);
    if (hash === data.hash) return undefined;
    return `${data.module} differs between the coordinator and worker ${this.name} (sha1 ${data.hash.slice(0, 12)} there, ${hash.slice(0, 12)} here): update the worker's checkout`;
  }

  private cancelled(text: string): void {
    let id: string;
    try {
      id = (JSON.parse(text) as CancelMessage).id;
    } catch {
      return;
    }
    const holding = this.holding.get(id);
    if (!holding || holding.stopped) return;
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
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.options.graceMs ?? DEFAULT_GRACE_MS)),
      ]);
      if (!graceful) {
        for (const holding of this.holding.values()) {
          holding.stopped = 'shutdown';
          holding.execution.abort(new Error('the worker is stopping'));
          holding.release();
        }
        await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 3000))]);
      }
    }
    await this.python.close();
    this.subscriber?.disconnect();
    this.commands?.disconnect();
  }
}
