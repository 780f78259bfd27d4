import Ajv from 'ajv';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { checkInteger } from '../run/options';
import { DEFAULT_KEEP_RUNS } from '../run/records';
import { isLoopbackHost, registerAuth } from './auth';
import { ConfigWatcher } from './config-watch';
import { registerCors } from './cors';
import { frameworkErrors, registerProblemHandlers } from './problems';
import type { ApiContext, ApiRoute } from './route';
import { eventRoutes } from './routes-events';
import { jobRoutes } from './routes-jobs';
import { metaRoutes } from './routes-meta';
import { runRoutes } from './routes-runs';
import { RunRegistry } from './run-registry';
import type { OutputLimits } from '../run/output';
import type { WorkersOptions } from '../run/setup';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;
export const DEFAULT_MAX_ACTIVE_RUNS = 8;
/** Request bodies over this are refused (413). */
export const BODY_LIMIT = 64 * 1024;

export interface ServeOptions {
  /** The job config to serve; watched for changes. */
  configFile: string;
  /** Default 127.0.0.1; any other than a loopback address needs a token. IPv6 addresses may be bracketed (`[::1]`). */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Required as `Authorization: Bearer <token>` by every endpoint but `/health`. */
  token?: string;
  /** Runs active at once before `POST /jobs/{job}/runs` answers 429. Default 8. */
  maxActiveRuns?: number;
  /** Run records kept per project. Default 50. */
  keepRuns?: number;
  /** Each run's output budget (default 8 MB per task, 32 MB per run). */
  outputLimits?: OutputLimits;
  /** The Python interpreter of runs' Python tasks (`--python`); else FASTASYNCIO_PYTHON, a venv, python3, python. */
  python?: string;
  /** Send every run's tasks to workers through BullMQ (`--redis`). */
  workers?: WorkersOptions;
  /**
   * Runs share a few long-lived worker processes (`--reuse-workers`) instead of one each: a run then
   * sees what earlier runs left in its worker's memory (see README, The HTTP API). Default false.
   */
  reuseWorkers?: boolean;
  /** Origins allowed by CORS (`*` for any); CORS is off without them. */
  cors?: readonly string[];
  /** Watch the config for changes (default true). */
  watch?: boolean;
  /** How long a cancelled worker gets before it is killed; also how long shutdown waits for runs. Default 1000 ms. */
  graceMs?: number;
  /** Where the server's messages go (stderr by default): one line each, stacks of unexpected errors. */
  log?: (line: string) => void;
  version?: string;
}

/** The server would listen beyond this machine without a token. */
export class UnsafeBindError extends Error {
  override name = 'UnsafeBindError';
}

export interface ApiServer {
  readonly app: FastifyInstance;
  readonly config: ConfigWatcher;
  readonly runs: RunRegistry;
  /** Every endpoint, as registered and documented. */
  readonly routes: readonly ApiRoute[];
  /** Refuses a non-loopback address without a token (`UnsafeBindError`), then listens; resolves with the base URL. */
  listen(): Promise<string>;
  /** Cancels the active runs (waiting for them up to a grace period), ends event streams and closes. */
  close(): Promise<void>;
}

/**
 * Builds the HTTP API over a job config (not listening yet): fastify with JSON-schema validation,
 * problem details for every error, optional bearer-token auth and CORS, the config watcher and the run
 * registry. A config file that cannot be read throws `ConfigReadError`; one with errors is served (its
 * problems are reported, its jobs cannot run until a valid version appears).
 */
export function createServer(options: ServeOptions): ApiServer {
  const host = unbracket(options.host ?? DEFAULT_HOST);
  const port = options.port ?? DEFAULT_PORT;
  checkInteger('port', port, 0, 65535);
  if (options.token !== undefined && options.token.trim() === '') throw new RangeError('Expected `token` to be a non-empty string, got an empty one');
  checkInteger('maxActiveRuns', options.maxActiveRuns);
  checkInteger('keepRuns', options.keepRuns);
  const maxActiveRuns = options.maxActiveRuns ?? DEFAULT_MAX_ACTIVE_RUNS;
  const keepRuns = options.keepRuns ?? DEFAULT_KEEP_RUNS;
  const graceMs = options.graceMs ?? 1000;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));

  const config = ConfigWatcher.open(options.configFile, { log, watch: options.watch });
  const runs = new RunRegistry({
    maxActiveRuns,
    keepRuns,
    graceMs,
    outputLimits: options.outputLimits,
    python: options.python,
    workers: options.workers,
    reuseWorkers: options.reuseWorkers,
    currentRoot: () => (config.inEffect ?? config.latest)?.analysis.model?.layout.root,
    log,
  });
  const closing = new AbortController();
  const ctx: ApiContext = { config, runs, log, auth: options.token !== undefined, closing: closing.signal };

  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors,
  });
  // Bodies are validated exactly (no coercion: `"4"` is not a concurrency); path, query and headers are
  // text, so they are coerced to the schema's types.
  const exact = new Ajv({ coerceTypes: false, useDefaults: true, allErrors: true });
  const coercing = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? exact : coercing).compile(schema));
  // JSON bodies only: without its parser a text/plain body is refused (415) like any other that is not JSON.
  app.removeContentTypeParser('text/plain');
  registerProblemHandlers(app, log);
  if (options.cors?.length) registerCors(app, options.cors);
  if (options.token !== undefined) registerAuth(app, options.token);

  const routes: ApiRoute[] = [];
  routes.push(
    ...metaRoutes(() => routes, { auth: ctx.auth, version: options.version ?? process.env.FASTASYNCIO_VERSION ?? '0.1.0' }),
    ...jobRoutes(ctx),
    ...runRoutes(ctx),
    ...eventRoutes(ctx),
  );
  for (const route of routes) register(app, route);

  let closed: Promise<void> | undefined;
  return {
    app,
    config,
    runs,
    routes,
    async listen() {
      if (options.token === undefined && !(await isLoopbackHost(host))) {
        throw new UnsafeBindError(
          `refusing to listen on ${host} without a token: anyone who can reach it could run jobs; set --token or FASTASYNCIO_TOKEN, or listen on 127.0.0.1`,
        );
      }
      const address = await app.listen({ host, port });
      return address;
    },
    close() {
      closed ??= (async () => {
        config.close();
        const stopped = runs.cancelAll();
        await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, graceMs * 2 + 500).unref())]);
        closing.abort();
        await app.close();
      })();
      return closed;
    },
  };
}

/** `[::1]` as URLs write it is `::1` to listen on. */
function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** An empty body counts as `{}`, so an optional body may be left out. */
function emptyBodyIsObject(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  if (request.body === undefined || request.body === null) request.body = {};
  done();
}

function register(app: FastifyInstance, route: ApiRoute): void {
  const response: Record<number, unknown> = {};
  for (const [status, answer] of Object.entries(route.responses)) {
    if (answer.schema && (answer.mediaType ?? 'application/json') === 'application/json') response[Number(status)] = answer.schema;
  }
  app.route({
    method: route.method,
    url: route.url,
    config: { public: route.public ?? false },
    schema: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.querystring ? { querystring: route.querystring } : {}),
      ...(route.headers ? { headers: route.headers } : {}),
      ...(route.body ? { body: route.body } : {}),
      response,
    },
    ...(route.body ? { preValidation: emptyBodyIsObject } : {}),
    handler: route.handler,
  });
}
