import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Every problem type the API answers
 * with is declared here once; its `type` is `urn:fastasyncio:problem:<name>`.
 */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export const PROBLEMS = {
  'malformed-request': { status: 400, title: 'The request is malformed' },
  unauthorized: { status: 401, title: 'A valid bearer token is required' },
  'not-found': { status: 404, title: 'No such resource' },
  'job-not-found': { status: 404, title: 'No such job' },
  'run-not-found': { status: 404, title: 'No such run' },
  'run-not-managed': { status: 409, title: 'The run is not managed by this server' },
  'body-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'The request body must be JSON' },
  'results-changed': { status: 409, title: 'The earlier results are out of date' },
  'config-has-errors': { status: 422, title: 'The config has errors' },
  'invalid-rerun': { status: 422, title: 'The re-run cannot be done as asked' },
  'results-missing': { status: 422, title: 'No earlier run has the results the re-run needs' },
  'too-many-active-runs': { status: 429, title: 'Too many runs are active' },
  'internal-error': { status: 500, title: 'Internal server error' },
  'shutting-down': { status: 503, title: 'The server is shutting down' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemName = keyof typeof PROBLEMS;

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problem(name: ProblemName, detail?: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  const { status, title } = PROBLEMS[name];
  return { type: `urn:fastasyncio:problem:${name}`, title, status, ...(detail === undefined ? {} : { detail }), ...extensions };
}

/** Answers with a problem; `instance` is the request's path. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, details: ProblemDetails): void {
  const body: ProblemDetails = { ...details, instance: request.url };
  reply.code(details.status).type(PROBLEM_MEDIA_TYPE).send(JSON.stringify(body));
}

/**
 * Every error becomes a problem: validation errors 400 (with what was wrong), fastify's own client
 * errors keep their status (413 body too large, 415 not JSON), and anything unexpected is logged with
 * its stack and answered 500 without it.
 */
export function registerProblemHandlers(app: FastifyInstance, log: (line: string) => void): void {
  app.setNotFoundHandler((request, reply) => {
    sendProblem(request, reply, problem('not-found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (reply.sent || reply.raw.headersSent) {
      log(`error after the answer to ${request.method} ${request.url} began: ${error.stack ?? error.message}`);
      return;
    }
    sendProblem(request, reply, problemFor(error, request, log));
  });
}

/**
 * fastify's `frameworkErrors`: errors met while routing, before any handler. A path parameter over the
 * length limit names no resource (404); a URL that cannot be decoded is malformed (400).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0];
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    sendProblem(request, reply, problem('not-found', `no resource at ${path.slice(0, 200)}${path.length > 200 ? '...' : ''}`));
  else sendProblem(request, reply, problem('malformed-request', error.code === 'FST_ERR_BAD_URL' ? 'the URL cannot be decoded' : error.message));
}

function problemFor(error: FastifyError, request: FastifyRequest, log: (line: string) => void): ProblemDetails {
  if (error.validation) {
    const part = error.validationContext ?? 'request';
    const errors = error.validation.map((e) => ({ in: part, path: e.instancePath, message: e.message ?? 'is invalid' }));
    // A path that fails its parameter's schema names no resource.
    if (part === 'params') return problem('not-found', `no resource at ${request.url.split('?')[0]}`);
    return problem('malformed-request', errors.map((e) => `${part}${e.path} ${e.message}`).join('; '), { errors });
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  if (status === 413) return problem('body-too-large', `the body must be at most ${request.routeOptions.bodyLimit ?? 65536} bytes`);
  if (status === 415)
    return problem('unsupported-media-type', `send the body as application/json, got ${JSON.stringify(request.headers['content-type'] ?? '')}`);
  if (status === 400) return problem('malformed-request', error.message);
  if (status > 400 && status < 500) return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Client error', status, detail: error.message };
  log(`${request.method} ${request.url}: unexpected error: ${error.stack ?? error.message}`);
  return problem('internal-error', 'an unexpected error occurred; the server log has the details');
}
