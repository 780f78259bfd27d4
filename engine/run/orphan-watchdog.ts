import { Worker } from 'node:worker_threads';

/**
 * Runs on a thread of its own, so that a task blocking the worker's event loop (`while (true) {}`)
 * cannot stop it: when the parent is gone (this process was re-parented), it kills this process' group
 * (the worker and anything its tasks started), or this process alone when it leads no group.
 */
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const tick = new Int32Array(new SharedArrayBuffer(4));
for (;;) {
  Atomics.wait(tick, 0, 0, workerData.intervalMs);
  if (process.ppid !== workerData.ppid) {
    try { process.kill(-workerData.pid, 'SIGKILL'); } catch {}
    process.kill(workerData.pid, 'SIGKILL');
  }
}`;

/** Makes this process die within `intervalMs` of its parent, whatever its main thread is doing. */
export function dieWithParent(intervalMs = 250): void {
  // `stdout`/`stderr`: true, or Node would open this process' own stdout to forward the thread's (and make it non-blocking).
  const thread = new Worker(WATCHDOG, { eval: true, stdout: true, stderr: true, workerData: { ppid: process.ppid, pid: process.pid, intervalMs } });
  thread.unref();
  // Without the watchdog the worker still ends on an IPC disconnect whenever its event loop is free.
  thread.on('error', () => undefined);
}
