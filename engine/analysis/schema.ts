import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../configs/schema.json';
import type { JsonPath } from '../config/json-scan';
import type { Finding } from './findings';
import { compileValidator } from './schema-compile';
import { fastValidator } from './schema-fast';
import { closestName } from './similar';

export { schema as configSchema };

/** The validator that finds every error, compiled only for a config that has some: a run of a valid config never compiles it. */
let full: ValidateFunction | undefined;

export function checkSchema(value: unknown): Finding[] {
  if (fastValidator()(value)) return [];
  full ??= compileValidator(true);
  full(value);
  return (full.errors ?? []).map(toFinding);
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => {
      const segment = s.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment;
    });
}

/** A readable name for the value at a path: "Task name", "Dependency", `"maxConcurrency"`. */
function label(path: JsonPath): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (typeof last === 'number') return parent === 'dependencies' ? 'Dependency' : parent === 'jobs' ? 'A job' : parent === 'tasks' ? 'A task' : 'An item';
  if (last === undefined) return 'A job config';
  const owner = path.includes('tasks') ? 'Task' : path.includes('jobs') ? 'Job' : undefined;
  if (last === 'name' && owner) return `${owner} name`;
  if (last === 'task') return 'Task class';
  if (last === 'handler') return 'Handler';
  return `"${last}"`;
}

const ARTICLE: Record<string, string> = { array: 'an array', object: 'an object', integer: 'an integer' };

function toFinding(e: ErrorObject): Finding {
  const path = pathOf(e.instancePath);
  const what = label(path);
  const parentSchema = e.parentSchema;
  const base = { code: 'schema' as const, severity: 'error' as const };
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { ...base, message: `${what} needs a "${missing}" property`, at: { path, part: 'node' } };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((parentSchema?.properties as object | undefined) ?? {});
      const close = closestName(extra, known);
      const hint = close ? `; did you mean "${close}"?` : `; known properties: ${known.map((k) => `"${k}"`).join(', ')}`;
      return { ...base, message: `Unknown property "${extra}"${hint}`, at: { path: [...path, extra], part: 'key' } };
    }
    case 'pattern': {
      const rule = (parentSchema?.patternErrorMessage as string | undefined) ?? `must match ${String(e.params.pattern)}`;
      return { ...base, message: `${what} ${JSON.stringify(e.data)} ${rule}`, at: { path, part: 'value' } };
    }
    case 'type': {
      const type = String((e.params as { type: string }).type);
      return { ...base, message: `${what} must be ${ARTICLE[type] ?? `a ${type}`}`, at: { path, part: 'node' } };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const close = typeof e.data === 'string' ? closestName(e.data, allowed) : undefined;
      const hint = close ? `; did you mean "${close}"?` : '';
      return { ...base, message: `${what} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}${hint}`, at: { path, part: 'node' } };
    }
    case 'maximum':
      return { ...base, message: `${what} must be at most ${String(e.params.limit)} (about 24 days)`, at: { path, part: 'node' } };
    case 'minimum':
      return { ...base, message: `${what} must be at least ${String(e.params.limit)}`, at: { path, part: 'node' } };
    case 'exclusiveMinimum':
      return { ...base, message: `${what} must be greater than ${String(e.params.limit)}`, at: { path, part: 'node' } };
    case 'minLength':
      return { ...base, message: `${what} must not be empty`, at: { path, part: 'node' } };
    default:
      return { ...base, message: `${what} ${e.message ?? 'is invalid'}`, at: { path, part: 'node' } };
  }
}
