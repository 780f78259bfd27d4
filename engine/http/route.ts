import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigWatcher } from './config-watch';
import type { RunRegistry } from './run-registry';
import type { JsonSchema } from './schemas';

/** What every route works with: built once per server, handed to each route factory. */
export interface ApiContext {
  config: ConfigWatcher;
  runs: RunRegistry;
  log: (line: string) => void;
  /** Whether a token is required (for the OpenAPI document). */
  auth: boolean;
  /** Aborted when the server shuts down: open event streams end. */
  closing: AbortSignal;
}

export interface ApiResponse {
  description: string;
  /** Serialises the answer (fast-json-stringify) and documents it. */
  schema?: JsonSchema;
  /** Default `application/json`. */
  mediaType?: string;
  /** Response headers, by name, with their descriptions. */
  headers?: Record<string, string>;
}

/**
 * One endpoint, declared once: fastify registers it (validating its params, query, headers and body
 * with ajv) and `openapi.ts` documents it from the same object.
 */
export interface ApiRoute {
  method: 'GET' | 'POST';
  /** fastify syntax: `/runs/:runId`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Needs no token. */
  public?: boolean;
  params?: JsonSchema;
  querystring?: JsonSchema;
  headers?: JsonSchema;
  /** An optional JSON body: an empty body counts as `{}`. */
  body?: JsonSchema;
  /** Successful answers by status. */
  responses: Record<number, ApiResponse>;
  /** The problem statuses this route can answer with, besides 401 and 500. */
  problems: number[];
  handler: (request: FastifyRequest, reply: FastifyReply) => unknown;
}
