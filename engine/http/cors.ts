import type { FastifyInstance } from 'fastify';

const ALLOWED_HEADERS = 'authorization, content-type, last-event-id';

/**
 * CORS, off unless origins are configured (`--cors ORIGIN`, `*` for any). Allowed origins get
 * `Access-Control-Allow-Origin` on every answer and preflights (`OPTIONS`) are answered 204; other
 * origins get no CORS headers, so browsers keep refusing them.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const allow = (origin: string | undefined) => origin !== undefined && (any || allowed.has(origin));
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (allow(origin)) {
      reply.header('access-control-allow-origin', any ? '*' : origin);
      reply.header('access-control-expose-headers', 'location, retry-after, www-authenticate');
      if (!any) reply.header('vary', 'origin');
    }
    done();
  });
  app.route({
    method: 'OPTIONS',
    url: '/*',
    config: { public: true },
    handler: (request, reply) => {
      if (allow(request.headers.origin)) {
        reply.header('access-control-allow-methods', 'GET, POST');
        reply.header('access-control-allow-headers', ALLOWED_HEADERS);
        reply.header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    },
  });
}
