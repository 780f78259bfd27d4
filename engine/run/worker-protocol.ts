import type { LayoutDefaults } from '../config/layout';
import type { RunEvent } from './events';

/** Messages between the child-process runner (parent) and its worker (child), over Node's IPC channel. */
export type ToWorker =
  /** `configText`: the config as the parent analysed it; the worker runs that version, not the file's current one. */
  | { type: 'start'; configFile: string; configText?: string; defaults?: LayoutDefaults; job: string; runId: string; concurrency?: number }
  | { type: 'cancel' };

export type FromWorker =
  | { type: 'event'; event: RunEvent }
  | { type: 'done' }
  /** The run could not start (the config changed under us and has errors, the job vanished). */
  | { type: 'fatal'; message: string };

/** The hidden CLI command that turns `dist/cli.js` into a worker. */
export const WORKER_COMMAND = '__worker';
