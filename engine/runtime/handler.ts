import type { RunSummary } from '../run/events';

/** What a job handler's `run` and hooks receive. */
export interface JobContext {
  readonly job: string;
  readonly runId: string;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /** A line for the run's log. */
  log(message: string): void;
  /** Runs the job's task graph once and resolves with the summary so far (results by task id). */
  runTasks(): Promise<RunSummary>;
  /**
   * True when the run goes on in a new worker process, the previous one having been killed because a
   * task was stuck: `beforeJob` already ran there and is not called again; `run` is.
   */
  readonly resumed: boolean;
}

/**
 * The built-in handler (`"handler": "GenericJobHandler"`), and the base of user handlers. A user
 * handler may override `run()` (calling `super.run(ctx)`), or just the hooks. A handler class that
 * defines none of these gets this behaviour as it is.
 */
export class GenericJobHandler {
  /** Runs `beforeJob`, the task graph, `aggregate`, then `afterJob`; resolves with `aggregate`'s output. */
  async run(ctx: JobContext): Promise<unknown> {
    return runGeneric(this, ctx);
  }

  /** Called before any task starts; throwing fails the run before it begins. */
  async beforeJob(_ctx: JobContext): Promise<void> {}

  /** Called after the last task ends, with the run's summary. */
  async afterJob(_ctx: JobContext, _summary: RunSummary): Promise<void> {}

  /** Combines the tasks' results into the job's output (the summary's `output`); none by default. */
  async aggregate(_results: Record<string, unknown>, _ctx: JobContext): Promise<unknown> {
    return undefined;
  }
}

/** Any object the engine may treat as a handler: every member is optional. */
export interface HandlerLike {
  run?(ctx: JobContext): unknown;
  beforeJob?(ctx: JobContext): unknown;
  afterJob?(ctx: JobContext, summary: RunSummary): unknown;
  aggregate?(results: Record<string, unknown>, ctx: JobContext): unknown;
}

/** The generic behaviour, for `GenericJobHandler` and for handler classes that define nothing. */
export async function runGeneric(handler: HandlerLike, ctx: JobContext): Promise<unknown> {
  if (typeof handler.beforeJob === 'function' && !ctx.resumed) await handler.beforeJob(ctx);
  const summary = await ctx.runTasks();
  const output = typeof handler.aggregate === 'function' ? await handler.aggregate(summary.results, ctx) : undefined;
  if (typeof handler.afterJob === 'function') await handler.afterJob(ctx, summary);
  return output;
}

/** Runs a handler object: its own `run` when it has one, else the generic behaviour. */
export function runHandler(handler: HandlerLike, ctx: JobContext): Promise<unknown> {
  return typeof handler.run === 'function' ? Promise.resolve(handler.run(ctx)) : runGeneric(handler, ctx);
}
