import type { RerunRequest } from '../run/rerun';
import { UsageError } from './load';

/** The flags `rerunFlags` reads, for parseArgs (`run`). */
export const RERUN_FLAGS = {
  from: { type: 'string' },
  only: { type: 'string', multiple: true },
  param: { type: 'string', multiple: true },
  force: { type: 'boolean' },
} as const;

/**
 * `--from <runId>`, `--only <task>` (repeatable), `--param <task>.<key>=<json>` (repeatable) and `--force`:
 * the re-run they ask for, or undefined for a plain run. Whether the run and tasks exist is the engine's
 * to say (rerun.ts); here only their form is checked.
 */
export function rerunFlags(values: { from?: string; only?: string[]; param?: string[]; force?: boolean }): RerunRequest | undefined {
  const request: RerunRequest = {};
  if (values.from !== undefined) {
    if (values.from.trim() === '') throw new UsageError('--from must name a run id (see fastasyncio runs)');
    request.from = values.from.trim();
  }
  if (values.only?.length) {
    const empty = values.only.find((task) => task.trim() === '');
    if (empty !== undefined) throw new UsageError('--only must name a task');
    request.only = values.only.map((task) => task.trim());
  }
  for (const param of values.param ?? []) {
    const { task, key, value } = paramFlag(param);
    const params = (request.params ??= Object.create(null) as Record<string, Record<string, unknown>>);
    (params[task] ??= Object.create(null) as Record<string, unknown>)[key] = value;
  }
  if (values.force) {
    if (request.from === undefined && request.only === undefined)
      throw new UsageError('--force goes with --from or --only: it reuses results even when their tasks changed');
    request.force = true;
  }
  return Object.keys(request).length > 0 ? request : undefined;
}

/** One `--param Task1.limit=5`: the task, the param and its value, parsed as JSON. */
export function paramFlag(text: string): { task: string; key: string; value: unknown } {
  const equals = text.indexOf('=');
  const name = equals < 0 ? text : text.slice(0, equals);
  const dot = name.indexOf('.');
  if (equals < 0 || dot <= 0 || dot === name.length - 1) {
    throw new UsageError(`--param must be <task>.<key>=<json>, such as Task1.limit=5 or 'Task1.mode="fast"'; got "${text}"`);
  }
  const json = text.slice(equals + 1);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UsageError(`--param ${name}: ${json === '' ? 'the value is missing' : `${json} is not JSON`} (a string is quoted: '${name}="${json}"')`);
  }
  return { task: name.slice(0, dot), key: name.slice(dot + 1), value };
}
