/**
 * BullMQ and ioredis, as the engine uses them: esbuild bundles this file alone as `dist/queue.js`, which
 * only runs on workers (`--redis`) load, so that local runs never pay for parsing them.
 */
export { Queue, Worker, WaitingError, type Job } from 'bullmq';
export { Redis } from 'ioredis';
