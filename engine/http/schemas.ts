import { RUN_ID_PATTERN } from '../run/records';
import type { RunEventType, RunStatus, TaskStatus } from '../run/events';

/**
 * The JSON schemas of the HTTP API, declared once: fastify validates requests with them (ajv) and
 * serialises answers with them, and `openapi.ts` publishes them as the document's components.
 */
export type JsonSchema = { [keyword: string]: unknown };

export const TASK_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'timedOut', 'skipped', 'cancelled'] as const satisfies readonly TaskStatus[];
export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const satisfies readonly RunStatus[];
export const EVENT_TYPES = [
  'run-started',
  'task-started',
  'task-assigned',
  'task-log',
  'run-log',
  'task-retrying',
  'task-finished',
  'run-finished',
] as const satisfies readonly RunEventType[];

/** Compile-time checks that the lists above name every status and event type of `events.ts`. */
type Complete<Missing extends never> = Missing;
export type StatusListsComplete = [
  Complete<Exclude<TaskStatus, (typeof TASK_STATUSES)[number]>>,
  Complete<Exclude<RunStatus, (typeof RUN_STATUSES)[number]>>,
  Complete<Exclude<RunEventType, (typeof EVENT_TYPES)[number]>>,
];

/** The shape of `newRunId()` (a test checks that `isRunId` agrees). */

const runId: JsonSchema = { type: 'string', pattern: RUN_ID_PATTERN, description: 'Sortable by start time, e.g. 20250101T120000000Z-a1b2c3.' };
const jobName: JsonSchema = { type: 'string', minLength: 1, maxLength: 200 };

// `additionalProperties: true` on the summaries: fast-json-stringify would drop a field the engine adds
// later, and `GET /runs/{runId}` must stay the same object as `fastasyncio run --format json`.
export const TaskSummary: JsonSchema = {
  type: 'object',
  additionalProperties: true,
  required: ['status', 'attempts', 'durationMs'],
  properties: {
    status: { type: 'string', enum: TASK_STATUSES },
    attempts: { type: 'integer' },
    durationMs: { type: 'number' },
    error: { type: 'string' },
    worker: { type: 'string', description: 'The worker that ran the last attempt (runs on workers).' },
  },
};

export const RunSummary: JsonSchema = {
  type: 'object',
  description: 'The same object as `fastasyncio run --format json` prints; live while the run goes on.',
  additionalProperties: true,
  required: ['job', 'runId', 'status', 'durationMs', 'tasks', 'results'],
  properties: {
    job: { type: 'string' },
    runId,
    status: { type: 'string', enum: RUN_STATUSES },
    durationMs: { type: 'number' },
    tasks: { type: 'object', additionalProperties: TaskSummary },
    results: { type: 'object', additionalProperties: {}, description: 'The results of the tasks that succeeded, by task name.' },
    output: { description: "The handler's `aggregate` output, when it defines one." },
    error: { type: 'string', description: 'Why the run failed when no task did.' },
  },
};

export const Position: JsonSchema = {
  type: 'object',
  required: ['line', 'character'],
  properties: { line: { type: 'integer' }, character: { type: 'integer' } },
};

export const Diagnostic: JsonSchema = {
  type: 'object',
  description: 'A problem in the config, as `fastasyncio validate --format json` reports it (0-based range).',
  required: ['code', 'severity', 'message', 'range'],
  properties: {
    code: { type: 'string' },
    severity: { type: 'string', enum: ['error', 'warning', 'information', 'hint'] },
    message: { type: 'string' },
    range: { type: 'object', required: ['start', 'end'], properties: { start: Position, end: Position } },
  },
};

export const Problem: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json).',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'urn:fastasyncio:problem:<name>, or about:blank.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For 400: what was wrong with the request.',
      items: { type: 'object', properties: { in: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } } },
    },
    diagnostics: { type: 'array', items: Diagnostic, description: "For 422: the config's problems." },
    activeRuns: { type: 'integer', description: 'For 429: the runs active now.' },
    maxActiveRuns: { type: 'integer', description: 'For 429: the limit.' },
  },
};

export const ConfigStatus: JsonSchema = {
  type: 'object',
  required: ['version', 'valid', 'inEffect'],
  properties: {
    version: { type: 'integer', description: 'The latest version of the config file the server has read (1, 2, ...).' },
    valid: { type: 'boolean', description: 'Whether that version is free of errors.' },
    inEffect: { type: ['integer', 'null'], description: 'The version new runs use: the latest valid one (null if none was).' },
    error: { type: 'string', description: 'Why the file could not be read, if it could not.' },
  },
};

/** The properties a job's list entry and its plan share. */
const JOB_HEADER: Record<string, JsonSchema> = {
  handler: { type: 'string' },
  description: { type: 'string' },
  maxConcurrency: { type: 'integer' },
  onFailure: { type: 'string', enum: ['continue', 'stop'] },
};

export const JobInfo: JsonSchema = {
  type: 'object',
  required: ['name', 'handler', 'onFailure', 'tasks'],
  properties: {
    name: { type: 'string' },
    ...JOB_HEADER,
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'task', 'dependencies'],
        properties: { name: { type: 'string' }, task: { type: 'string' }, dependencies: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
};

export const JobList: JsonSchema = {
  type: 'object',
  required: ['config', 'diagnostics', 'jobs'],
  properties: {
    config: ConfigStatus,
    diagnostics: { type: 'array', items: Diagnostic, description: 'The problems of the latest version of the config.' },
    jobs: { type: 'array', items: JobInfo, description: 'The jobs of the version in effect (of the latest, if none is).' },
  },
};

export const JobPlan: JsonSchema = {
  type: 'object',
  required: ['job', 'handler', 'onFailure', 'tasks', 'stages', 'unreachable'],
  properties: {
    job: { type: 'string' },
    ...JOB_HEADER,
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'task', 'dependencies', 'stage', 'retries', 'retryDelay'],
        properties: {
          name: { type: 'string' },
          task: { type: 'string' },
          dependencies: { type: 'array', items: { type: 'string' } },
          stage: { type: 'integer', description: '1-based; 0 for a task that can never run.' },
          timeout: { type: 'number' },
          retries: { type: 'integer' },
          retryDelay: { type: 'number' },
        },
      },
    },
    stages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'tasks', 'after'],
        properties: { index: { type: 'integer' }, tasks: { type: 'array', items: { type: 'string' } }, after: { type: 'array', items: { type: 'string' } } },
      },
    },
    unreachable: { type: 'array', items: { type: 'string' } },
  },
};

export const RunRequest: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    concurrency: { type: 'integer', minimum: 1, maximum: 10000, description: "Overrides the job's maxConcurrency." },
    from: {
      type: 'string',
      pattern: RUN_ID_PATTERN,
      description: 'Re-run from this earlier run of the job: its succeeded tasks are not executed again, their recorded results are passed on.',
    },
    only: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      maxItems: 10000,
      description: "Run just these tasks; their dependencies' results come from `from`, or from the latest run of the job where they succeeded.",
    },
    params: {
      type: 'object',
      additionalProperties: { type: 'object' },
      description: 'Param overrides for this run, by task: `{ "Task1": { "limit": 5 } }`. The record keeps them.',
    },
    force: { type: 'boolean', description: "Reuse earlier results even when their task's definition or module changed since." },
  },
};

export const RunAccepted: JsonSchema = {
  type: 'object',
  required: ['runId', 'job', 'status', 'configVersion', 'href', 'events'],
  properties: {
    runId,
    job: { type: 'string' },
    status: { type: 'string', enum: ['running'] },
    configVersion: { type: 'integer', description: 'The version of the config the run uses.' },
    href: { type: 'string', description: 'The run: GET for its summary.' },
    events: { type: 'string', description: 'Its events (server-sent events).' },
  },
};

export const RunListItem: JsonSchema = {
  type: 'object',
  required: ['runId', 'job', 'status', 'durationMs'],
  properties: { runId, job: { type: 'string' }, status: { type: 'string', enum: RUN_STATUSES }, durationMs: { type: 'number' }, error: { type: 'string' } },
};

export const RunList: JsonSchema = {
  type: 'object',
  required: ['runs'],
  properties: {
    runs: { type: 'array', items: RunListItem, description: 'Newest first.' },
    next: { type: 'string', description: 'The next page, when there is one.' },
  },
};

export const RunEvent: JsonSchema = {
  type: 'object',
  description: 'One event of a run (engine/run/events.ts); each server-sent event carries one as its data, with its `seq` as the id.',
  required: ['type', 'runId', 'seq', 'time'],
  properties: { type: { type: 'string', enum: EVENT_TYPES }, runId, seq: { type: 'integer' }, time: { type: 'number' } },
};

export const Health: JsonSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok'] } },
};

// Request parts.
export const JobParams: JsonSchema = { type: 'object', required: ['job'], properties: { job: jobName } };
export const RunParams: JsonSchema = {
  type: 'object',
  required: ['runId'],
  properties: { runId: { type: 'string', maxLength: 64, description: runId.description } },
};
export const RunListQuery: JsonSchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    before: { ...runId, description: 'Runs older than this one (the next page).' },
  },
};
export const EventHeaders: JsonSchema = {
  type: 'object',
  properties: { 'last-event-id': { type: 'string', pattern: '^[0-9]{1,15}$', description: 'Resume after this event (its seq).' } },
};

/** The schemas the OpenAPI document names in `components.schemas`. */
export const NAMED_SCHEMAS: Record<string, JsonSchema> = {
  RunSummary,
  TaskSummary,
  RunAccepted,
  RunList,
  RunListItem,
  RunEvent,
  JobList,
  JobInfo,
  JobPlan,
  ConfigStatus,
  Diagnostic,
  Problem,
  RunRequest,
  Health,
};
