import { planJob } from '../analysis/plan';
import type { JobModel, Problem } from '../config/types';
import type { ConfigWatcher } from './config-watch';
import { problem, sendProblem } from './problems';
import type { ApiContext, ApiRoute } from './route';
import { JobList, JobParams, JobPlan } from './schemas';

/** A config problem as the API shows it: no absolute paths, 0-based range. */
export interface Diagnostic {
  code: string;
  severity: Problem['severity'];
  message: string;
  range: Problem['range'];
}

export function diagnostics(problems: readonly Problem[]): Diagnostic[] {
  return problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message, range: p.range }));
}

/** The jobs shown: those of the version in effect, or of the latest version if none was ever valid. */
export function shownJobs(config: ConfigWatcher): readonly JobModel[] {
  return (config.inEffect ?? config.latest)?.analysis.model?.jobs ?? [];
}

export function configStatus(config: ConfigWatcher) {
  return {
    version: config.version,
    valid: config.latest?.valid ?? false,
    inEffect: config.inEffect?.version ?? null,
    ...(config.readError === undefined ? {} : { error: config.readError }),
  };
}

export function noSuchJob(name: string, jobs: readonly JobModel[]): string {
  const names = jobs.slice(0, 20).map((j) => j.name);
  return `no job ${JSON.stringify(name)} in the config${names.length ? `; jobs: ${names.join(', ')}${jobs.length > names.length ? ', ...' : ''}` : ''}`;
}

/** What `GET /jobs` and `GET /jobs/{job}` both say of a job, after its name. */
function jobHeader(job: JobModel) {
  return {
    handler: job.handler,
    ...(job.description === undefined ? {} : { description: job.description }),
    ...(job.maxConcurrency === undefined ? {} : { maxConcurrency: job.maxConcurrency }),
    onFailure: job.onFailure,
  };
}

function jobInfo(job: JobModel) {
  return {
    name: job.name,
    ...jobHeader(job),
    tasks: job.tasks.map((t) => ({ name: t.id, task: t.className, dependencies: t.dependencies })),
  };
}

function jobPlan(job: JobModel) {
  const plan = planJob(job);
  return {
    job: job.name,
    ...jobHeader(job),
    tasks: job.tasks.map((t) => ({
      name: t.id,
      task: t.className,
      dependencies: t.dependencies,
      stage: plan.stageOf[t.id] ?? 0,
      ...(t.timeout === undefined ? {} : { timeout: t.timeout }),
      retries: t.retries,
      retryDelay: t.retryDelay,
    })),
    stages: plan.stages,
    unreachable: plan.unreachable,
  };
}

/** `GET /jobs` and `GET /jobs/{job}`. Job names are only looked up, never used to build anything. */
export function jobRoutes(ctx: ApiContext): ApiRoute[] {
  return [
    {
      method: 'GET',
      url: '/jobs',
      operationId: 'listJobs',
      summary: 'The jobs of the config, with its current problems',
      description:
        'A valid new version of the config file takes effect for new runs; an invalid one is reported here (`config.valid` false, `diagnostics`) while the last valid version stays in effect (`config.inEffect`).',
      responses: { 200: { description: 'The jobs and the state of the config.', schema: JobList } },
      problems: [],
      handler: (_request, reply) => {
        ctx.config.refresh();
        reply.send({
          config: configStatus(ctx.config),
          diagnostics: diagnostics(ctx.config.latest?.analysis.problems ?? []),
          jobs: shownJobs(ctx.config).map(jobInfo),
        });
      },
    },
    {
      method: 'GET',
      url: '/jobs/:job',
      operationId: 'getJob',
      summary: "A job's plan: its tasks grouped into stages",
      params: JobParams,
      responses: { 200: { description: 'The plan.', schema: JobPlan } },
      problems: [404],
      handler: (request, reply) => {
        ctx.config.refresh();
        const name = (request.params as { job: string }).job;
        const jobs = shownJobs(ctx.config);
        const job = jobs.find((j) => j.name === name);
        if (!job) {
          sendProblem(request, reply, problem('job-not-found', noSuchJob(name, jobs)));
          return;
        }
        reply.send(jobPlan(job));
      },
    },
  ];
}
