import { PROBLEM_MEDIA_TYPE } from './problems';
import type { ApiRoute } from './route';
import { type JsonSchema, NAMED_SCHEMAS } from './schemas';

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: a body that is not JSON or not the expected shape, or a bad query or header.',
  401: 'A missing or wrong bearer token.',
  404: 'No such job or run.',
  409: 'The run is not managed by this server.',
  413: 'The body is over 64 KB.',
  415: 'The body is not JSON.',
  422: 'The config has errors (the diagnostics are in `diagnostics`).',
  429: 'Too many runs are active; retry after `Retry-After` seconds.',
  500: 'An unexpected error (logged by the server).',
  503: 'The server is shutting down.',
};

export interface OpenApiOptions {
  /** Whether the server requires a bearer token. */
  auth: boolean;
  version: string;
}

/**
 * The OpenAPI 3.1 document of the API, built from the same route objects fastify registers: their
 * params, query, headers and body schemas, their answers, and the problems each can answer with.
 */
export function openApiDocument(routes: readonly ApiRoute[], options: OpenApiOptions): JsonSchema {
  const names = new Map<unknown, string>(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [schema, name]));
  const ref = (schema: JsonSchema) => withRefs(schema, names);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...parametersOf(route.params, 'path', ref),
      ...parametersOf(route.querystring, 'query', ref),
      ...parametersOf(route.headers, 'header', ref),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, answer] of Object.entries(route.responses)) {
      responses[status] = {
        description: answer.description,
        ...(answer.headers
          ? { headers: Object.fromEntries(Object.entries(answer.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) }
          : {}),
        ...(answer.schema ? { content: { [answer.mediaType ?? 'application/json']: { schema: ref(answer.schema) } } } : {}),
      };
    }
    const problems = [...route.problems, ...(options.auth && !route.public ? [401] : []), 500].sort((a, b) => a - b);
    for (const status of problems) {
      responses[String(status)] = {
        description: PROBLEM_DESCRIPTIONS[status] ?? 'A problem.',
        ...(status === 429 ? { headers: { 'retry-after': { description: 'Seconds to wait.', schema: { type: 'string' } } } } : {}),
        content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: false, content: { 'application/json': { schema: ref(route.body) } } } } : {}),
      responses,
      ...(options.auth && route.public ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'FastAsyncio HTTP API',
      version: options.version,
      description: 'Trigger and watch job runs of a FastAsyncio job config (`fastasyncio serve`). Errors are RFC 9457 problem details.',
    },
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [name, withRefs(schema, names, true)])),
      ...(options.auth ? { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } } : {}),
    },
    ...(options.auth ? { security: [{ bearerAuth: [] }] } : {}),
  };
}

function parametersOf(schema: JsonSchema | undefined, where: 'path' | 'query' | 'header', ref: (s: JsonSchema) => JsonSchema): JsonSchema[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: ref(rest),
    };
  });
}

/** A copy of `schema` in which every named schema (but the root, for a component) is a `$ref`. */
function withRefs(schema: JsonSchema, names: Map<unknown, string>, isComponent = false): JsonSchema {
  const visit = (node: unknown, root: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => visit(n, false));
    if (node === null || typeof node !== 'object') return node;
    const name = names.get(node);
    if (name !== undefined && !root) return { $ref: `#/components/schemas/${name}` };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, false)]));
  };
  return visit(schema, isComponent) as JsonSchema;
}
