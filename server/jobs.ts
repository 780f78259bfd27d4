import { jobErrors } from '../engine/analysis/job-errors';
import { planJob } from '../engine/analysis/plan';
import type { Problem } from '../engine/config/types';
import type { ConfigJobs, JobInfo, ProblemCounts, RunSettings } from './protocol';
import type { ParsedDocument } from './service';

/** A config's jobs with their plans, its problem counts and its run settings: what the client shows and runs from. */
export function configJobs(doc: ParsedDocument, run: RunSettings): ConfigJobs {
  const { analysis } = doc;
  const layout = doc.layout();
  const jobs = (analysis.model?.jobs ?? []).map((job): JobInfo => {
    const plan = planJob(job);
    return {
      name: job.name,
      index: job.index,
      handler: job.handler,
      ...(job.description === undefined ? {} : { description: job.description }),
      ...(job.maxConcurrency === undefined ? {} : { maxConcurrency: job.maxConcurrency }),
      tasks: job.tasks.map((t) => ({ id: t.id, index: t.index, dependencies: t.dependencies, ...(t.module ? { module: t.module } : {}) })),
      stages: plan.stages,
      unreachable: plan.unreachable,
      errors: jobErrors(analysis, job.name).length,
    };
  });
  return {
    uri: doc.uri,
    file: doc.file,
    version: doc.version >= 0 ? doc.version : null,
    root: layout.root,
    taskDir: layout.taskDir,
    jobs,
    problems: countProblems(analysis.problems),
    run,
  };
}

function countProblems(problems: readonly Problem[]): ProblemCounts {
  const counts: ProblemCounts = { errors: 0, warnings: 0, others: 0 };
  for (const p of problems) {
    if (p.severity === 'error') counts.errors++;
    else if (p.severity === 'warning') counts.warnings++;
    else counts.others++;
  }
  return counts;
}

/**
 * Sends `fastasyncio/jobsChanged` for configs whose jobs changed. While a config is being typed in, most
 * versions change nothing the client shows (a param's value, a space): those are not sent again.
 */
export class JobsNotifier {
  /** What was last sent for each config, without its version. */
  private readonly sent = new Map<string, string>();

  constructor(private readonly send: (changed: ConfigJobs[], removed: string[]) => void) {}

  changed(jobs: ConfigJobs): void {
    if (this.seen(jobs)) this.send([jobs], []);
  }

  /** The client got `jobs` another way (the answer to `fastasyncio/jobs`); whether that was news. */
  seen(jobs: ConfigJobs): boolean {
    const key = JSON.stringify({ ...jobs, version: null });
    if (this.sent.get(jobs.file) === key) return false;
    this.sent.set(jobs.file, key);
    return true;
  }

  removed(file: string): void {
    if (this.sent.delete(file)) this.send([], [file]);
  }
}
