import type { Problem } from '../config/types';
import type { Analysis } from './analyze';
import type { Finding } from './findings';

/*
 * Which errors stop which job. Errors that leave the whole file unusable stop every job: syntax errors,
 * a file without jobs to read, and errors outside every named job (the schema's at the top level, an
 * entry of `jobs` without a name to run it by). Any other error stops only the job it is in (its
 * `data.job`), so a mistake in one job never keeps the others from running.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Names the job of each finding inside `jobs[i]` that its check left without one (schema errors, module
 * names that are not identifiers), from its JSON path. A job without a string name is named nowhere.
 */
export function attributeToJobs(findings: readonly Finding[], value: unknown): void {
  const jobs = isRecord(value) && Array.isArray(value.jobs) ? (value.jobs as unknown[]) : [];
  for (const finding of findings) {
    if (finding.data?.job !== undefined || !('path' in finding.at)) continue;
    const [key, index] = finding.at.path;
    const job = key === 'jobs' && typeof index === 'number' ? jobs[index] : undefined;
    if (isRecord(job) && typeof job.name === 'string') finding.data = { ...finding.data, job: job.name };
  }
}

/** Whether an error stops every job, whichever is run. */
export function isFileError(problem: Problem): boolean {
  return problem.severity === 'error' && (problem.code === 'syntax' || problem.data?.job === undefined);
}

/**
 * The errors that stop `job` from running: the file's (see `isFileError`) and the job's own (every job
 * of that name, when two share it). None: the job may run, whatever errors the other jobs have.
 */
export function jobErrors(analysis: Analysis, job: string): Problem[] {
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (!analysis.model) return errors;
  return errors.filter((p) => isFileError(p) || p.data?.job === job);
}
