import type { RerunRecord } from './events';

/**
 * Re-running part of a job from earlier runs' records: `--from <runId>` reuses what succeeded there,
 * `--only <task>` runs just those tasks with their dependencies' recorded results, `--param` overrides
 * params for one run.
 */

/** What the user asked for (CLI flags, the HTTP body, the extension's commands). */
export interface RerunRequest {
  /** The run whose succeeded tasks are reused. */
  from?: string;
  /** Run just these tasks; their dependencies' results come from `from` or the latest run where they succeeded. */
  only?: string[];
  /** Param overrides by task: `{ Task1: { limit: 5 } }`. */
  params?: Record<string, Record<string, unknown>>;
  /** Reuse results even when a task's definition or module changed since. */
  force?: boolean;
}

/** A re-run that cannot be done as asked (exit 2, HTTP 409/422): the message says what and why. */
export class RerunError extends Error {
  override name = 'RerunError';
}

/**
 * A re-run worked out against the records (by the process that records the run; its worker gets it as
 * it is): the job as it runs (just the `only` tasks and their inputs, params overridden), the tasks that
 * do not run with the run their result comes from, and what the run log should say about it.
 */
export interface ResolvedRerun {
  record: RerunRecord;
  reused: Record<string, { from: string; result: unknown }>;
  notes: string[];
}
