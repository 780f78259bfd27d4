import type { Position } from '../config/types';
import type { RunEvent } from '../run/events';
import type { ViewModel } from './model';

/**
 * The messages between a host (the extension's webview panel) and the graph app (web/app.ts), declared
 * once. The standalone page (`fastasyncio graph --format html`) has no host: its model is in the page.
 */

/** Host → app. */
export type HostMessage =
  /** A full snapshot: on start, when the panel is shown again, or when the job's structure changed. */
  | { type: 'model'; model: ViewModel }
  /** One run event, folded into the app's model: statuses and times change, the layout does not. */
  | { type: 'event'; event: RunEvent }
  /** Several events at once (a burst), folded in order. */
  | { type: 'events'; events: RunEvent[] };

/** App → host. */
export type ViewMessage =
  /** The app has started (again, after being hidden): send it a snapshot. */
  | { type: 'ready' }
  /** Open a task's module. */
  | { type: 'open-module'; path: string }
  /** Open the config at a task's entry. */
  | { type: 'open-config'; file: string; position?: Position }
  /** "Re-run Failed" on the run shown (it ended failed or cancelled): the tasks that did not succeed run again. */
  | { type: 'rerun-failed'; runId: string }
  /** "Run Task": just that task, with its inputs from the run shown when `runId` is set (an ended run), else the latest. */
  | { type: 'run-task'; task: string; runId?: string };

/** The page's element the app draws in, and the data block that holds the page's model (page.ts writes both). */
export const ROOT_ID = 'fastasyncio-graph';
export const MODEL_ID = 'fastasyncio-model';

export const HOST_MESSAGE_TYPES: readonly HostMessage['type'][] = ['model', 'event', 'events'];

/** Whether a posted value is a host message (the app ignores anything else). */
export function isHostMessage(value: unknown): value is HostMessage {
  return typeof value === 'object' && value !== null && HOST_MESSAGE_TYPES.includes((value as { type?: unknown }).type as HostMessage['type']);
}
