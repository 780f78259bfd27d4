/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { RunStatus, TaskStatus } from '../../run/events';
import { formatDuration } from '../../run/describe';
import type { AttemptOutcome } from '../model';

/** Small DOM helpers of the graph app (browser code: no Node APIs). */

type Child = Node | string | false | null | undefined;

/** An element with attributes (`class`, `data-*`, `aria-*`, ...) and children; text is always text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== false && child !== null && child !== undefined) element.append(child);
  return element;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for markup built as a string (the graph's nodes, thousands at once). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The statuses, in the order the legend and the counts show them. */
export const STATUSES: readonly TaskStatus[] = ['pending', 'running', 'succeeded', 'failed', 'timedOut', 'skipped', 'cancelled'];

export const STATUS_LABELS: Record<TaskStatus, string> = {
  pending: 'pending',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  timedOut: 'timed out',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

/** A status's (or an attempt outcome's) icon: its shape and colour come from `data-outcome` (styles.ts); a node draws its own. */
export function icon(status: TaskStatus | AttemptOutcome | RunStatus): HTMLSpanElement {
  return h('span', { class: 'fa-icon', 'aria-hidden': 'true', 'data-outcome': status });
}

export function duration(ms: number): string {
  return formatDuration(ms);
}

/** How much of a value's JSON the panel shows (a record keeps results up to 64 KB, logs are bounded). */
const JSON_SHOWN = 20_000;

/** A value as indented JSON, cut past `JSON_SHOWN` characters. */
export function jsonText(value: unknown): string {
  let text: string;
  try {
    // A model is JSON: only `undefined` (no result) has no JSON of its own.
    text = JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > JSON_SHOWN ? `${text.slice(0, JSON_SHOWN)}\n… (${text.length - JSON_SHOWN} more characters)` : text;
}

/** A clock time (local) with milliseconds, for log lines and attempts. */
export function clock(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
