import { type OpenApiOptions, openApiDocument } from './openapi';
import type { ApiRoute } from './route';
import { Health } from './schemas';

/** `GET /health` (no token needed) and `GET /openapi.json`, the document of `routes()` (all of them). */
export function metaRoutes(routes: () => readonly ApiRoute[], options: OpenApiOptions): ApiRoute[] {
  let document: string | undefined;
  return [
    {
      method: 'GET',
      url: '/health',
      operationId: 'health',
      summary: 'Whether the server is up',
      public: true,
      responses: { 200: { description: 'Up.', schema: Health } },
      problems: [],
      handler: (_request, reply) => {
        reply.send({ status: 'ok' });
      },
    },
    {
      method: 'GET',
      url: '/openapi.json',
      operationId: 'openapi',
      summary: 'The OpenAPI 3.1 document of this API',
      responses: { 200: { description: 'The document.', schema: { type: 'object', description: 'An OpenAPI 3.1 document.' } } },
      problems: [],
      handler: (_request, reply) => {
        document ??= JSON.stringify(openApiDocument(routes(), options));
        reply.type('application/json').send(document);
      },
    },
  ];
}
