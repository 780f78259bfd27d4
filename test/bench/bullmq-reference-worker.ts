/**
 * The reference of `npm run bench:bullmq`: a bare BullMQ `Worker` in its own process (forked by the bench,
 * run by tsx), with a no-op processor (that sleeps first for jobs whose data has `sleepMs`). Arguments:
 * Redis URL, queue name, prefix, concurrency.
 *
 * It tells the bench (IPC) `{ type: 'ready' }` once its connection is up, then, at most every 5 ms while
 * jobs complete, `{ type: 'progress', completed, first, last }`: completions so far, and the epoch times
 * (performance.timeOrigin + performance.now(), sub-millisecond, comparable across processes) of the first
 * processor call and the last `completed` event. Reporting at an interval, not per job, keeps the IPC out
 * of the measured work.
 */
import { Worker } from 'bullmq';

const [url, queueName, prefix, concurrencyArg] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();

let completed = 0;
let first = NaN;
let last = NaN;
let reported = 0;

const { hostname, port } = new URL(url);
const worker = new Worker(
  queueName,
  async (job) => {
    if (Number.isNaN(first)) first = now();
    const { sleepMs } = job.data as { sleepMs?: number };
    if (sleepMs) await new Promise((resolve) => setTimeout(resolve, sleepMs));
    return null;
  },
  {
    connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
    prefix,
    concurrency: Number(concurrencyArg),
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  },
);
worker.on('completed', () => {
  completed++;
  last = now();
});
worker.on('error', (error) => console.error(`reference worker: ${error.message}`));

const timer = setInterval(() => {
  if (completed === reported) return;
  reported = completed;
  process.send?.({ type: 'progress', completed, first, last });
}, 5);

process.on('message', (message: { type: string }) => {
  // A new round: its first processor call is timed afresh.
  if (message.type === 'reset') first = NaN;
  if (message.type === 'stop') {
    clearInterval(timer);
    void worker.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));

void worker.waitUntilReady().then(() => process.send?.({ type: 'ready' }));
