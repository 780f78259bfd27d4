import type { FastifyReply, FastifyRequest } from 'fastify';
import { jobErrors } from '../analysis/job-errors';
import { recordedSummary } from '../run/recorded-runs';
import { RerunError, type RerunPlan, type RerunRequest, resolveRerun, wantsRerun } from '../run/rerun';
import { problem, sendProblem } from './problems';
import type { ApiContext, ApiRoute } from './route';
import { diagnostics, noSuchJob, shownJobs } from './routes-jobs';
import { JobParams, RunAccepted, RunList, RunListQuery, RunParams, RunRequest, RunSummary } from './schemas';

const runHref = (runId: string) => `/runs/${runId}`;

/** `POST /jobs/{job}/runs`, `GET /runs`, `GET /runs/{runId}`, `POST /runs/{runId}/cancel`. */
export function runRoutes(ctx: ApiContext): ApiRoute[] {
  const notFound = (request: FastifyRequest, reply: FastifyReply, runId: string) => {
    sendProblem(request, reply, problem('run-not-found', `no run ${JSON.stringify(runId)}`));
    return reply;
  };

  return [
    {
      method: 'POST',
      url: '/jobs/:job/runs',
      operationId: 'startRun',
      summary: 'Start a run of a job',
      description:
        'The run starts in a worker process, from the latest version of the config when the job has no errors there (errors in other jobs do not count), else from the version in effect; follow it with `GET /runs/{runId}` or its events. A job that errors stop in the latest version (its own, or errors of the whole file such as syntax) and that no valid version has is answered 422 with those diagnostics.',
      params: JobParams,
      body: RunRequest,
      responses: {
        202: {
          description: 'The run started.',
          schema: RunAccepted,
          headers: { location: 'The run: /runs/{runId}.' },
        },
      },
      problems: [400, 404, 409, 413, 415, 422, 429, 503],
      handler: async (request, reply) => {
        ctx.config.refresh();
        const name = (request.params as { job: string }).job;
        const { concurrency, ...rerun } = request.body as { concurrency?: number } & RerunRequest;
        const latest = ctx.config.latest;
        const inLatest = latest?.analysis.model?.jobs.some((j) => j.name === name) === true;
        // The latest version when nothing stops this job there (errors in other jobs do not), else the one in effect.
        const config = latest && inLatest && jobErrors(latest.analysis, name).length === 0 ? latest : ctx.config.inEffect;
        const job = config?.analysis.model?.jobs.find((j) => j.name === name);
        if (!config || !job) {
          if (inLatest || (!config && !latest?.analysis.model)) {
            const errors = latest ? jobErrors(latest.analysis, name) : [];
            const detail =
              ctx.config.readError ??
              `the config (version ${ctx.config.version}) has ${errors.length} error(s) that stop ${JSON.stringify(name)}; fix them before running it`;
            sendProblem(request, reply, problem('config-has-errors', detail, { diagnostics: diagnostics(errors) }));
            return;
          }
          sendProblem(request, reply, problem('job-not-found', noSuchJob(name, shownJobs(ctx.config))));
          return;
        }
        let prepared: RerunPlan | undefined;
        if (wantsRerun(rerun)) {
          try {
            prepared = await resolveRerun(config.analysis.model!, job, rerun);
          } catch (error) {
            if (!(error instanceof RerunError)) throw error;
            const name = error.reason === 'changed' ? 'results-changed' : error.reason === 'missing' ? 'results-missing' : 'invalid-rerun';
            sendProblem(request, reply, problem(name, error.message));
            return;
          }
        }
        const started = ctx.runs.start(config, job, concurrency, prepared);
        if (!started.ok && started.reason === 'closing') {
          sendProblem(request, reply, problem('shutting-down', 'the server is shutting down: no new runs'));
          return;
        }
        if (!started.ok) {
          reply.header('retry-after', '1');
          sendProblem(
            request,
            reply,
            problem(
              'too-many-active-runs',
              `${started.activeRuns} runs are active, the most this server allows (--max-active-runs ${ctx.runs.maxActiveRuns}); retry when one ends`,
              {
                activeRuns: started.activeRuns,
                maxActiveRuns: ctx.runs.maxActiveRuns,
              },
            ),
          );
          return;
        }
        const { runId } = started.run;
        reply
          .code(202)
          .header('location', runHref(runId))
          .send({ runId, job: job.name, status: 'running', configVersion: config.version, href: runHref(runId), events: `${runHref(runId)}/events` });
      },
    },
    {
      method: 'GET',
      url: '/runs',
      operationId: 'listRuns',
      summary: 'Recent runs, newest first, a page at a time',
      description:
        "The runs this server started and the run records of the config's project (`.fastasyncio/runs/`), whatever their size. A run whose process is gone without finishing it (killed, a server restarted) is `interrupted`, and its record is completed.",
      querystring: RunListQuery,
      responses: { 200: { description: 'A page of runs; `next` is the next page, if any.', schema: RunList } },
      problems: [400],
      handler: async (request, reply) => {
        const { limit, before } = request.query as { limit: number; before?: string };
        const { runs, more } = await ctx.runs.list(limit, before);
        const last = runs[runs.length - 1];
        return reply.send(more && last ? { runs, next: `/runs?limit=${limit}&before=${last.runId}` } : { runs });
      },
    },
    {
      method: 'GET',
      url: '/runs/:runId',
      operationId: 'getRun',
      summary: "A run's summary, live while it runs",
      params: RunParams,
      responses: { 200: { description: 'The summary (the same object as `fastasyncio run --format json`).', schema: RunSummary } },
      problems: [404],
      handler: async (request, reply) => {
        const { runId } = request.params as { runId: string };
        const found = await ctx.runs.find(runId);
        if (!found) return notFound(request, reply, runId);
        return reply.send(found.kind === 'live' ? found.run.summary() : await recordedSummary(found.record));
      },
    },
    {
      method: 'POST',
      url: '/runs/:runId/cancel',
      operationId: 'cancelRun',
      summary: 'Cancel a run',
      description:
        'Running tasks are aborted and the rest marked cancelled; the run ends `cancelled` shortly after (its events end with `run-finished`). A run that has already ended (or was interrupted) is left as it is (200).',
      params: RunParams,
      responses: {
        200: { description: 'The run had already ended: its summary.', schema: RunSummary },
        202: { description: 'Cancelling: the summary at this moment.', schema: RunSummary },
      },
      problems: [404, 409],
      handler: async (request, reply) => {
        const { runId } = request.params as { runId: string };
        const found = await ctx.runs.find(runId);
        if (!found) return notFound(request, reply, runId);
        if (found.kind === 'recorded') {
          if (!found.record.ended) {
            sendProblem(request, reply, problem('run-not-managed', `run ${runId} is going on in another process; it cannot be cancelled here`));
            return reply;
          }
          return reply.code(200).send(await recordedSummary(found.record));
        }
        const { run } = found;
        if (run.finished) return reply.code(200).send(run.summary());
        run.controller.abort();
        return reply.code(202).send(run.summary());
      },
    },
  ];
}
