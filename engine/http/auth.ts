import { createHash, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { problem, sendProblem } from './problems';

/** Routes marked `config: { public: true }` need no token (`GET /health`, CORS preflight). */
export interface RouteConfig {
  public?: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Whether `header` is `Bearer <token>`, compared in constant time (on hashes, so lengths never differ). */
export function tokenMatches(expectedHash: Buffer, header: string | undefined): boolean {
  const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  // Hash something even without a token, so a missing header costs the same as a wrong one.
  return timingSafeEqual(expectedHash, sha256(match?.[1] ?? '')) && match !== null;
}

/** Requires `Authorization: Bearer <token>` on every route that is not public; 401 otherwise. */
export function registerAuth(app: FastifyInstance, token: string): void {
  const expected = sha256(token);
  app.addHook('onRequest', (request, reply, done) => {
    if ((request.routeOptions.config as RouteConfig | undefined)?.public || tokenMatches(expected, request.headers.authorization)) {
      done();
      return;
    }
    // Answering without calling `done` ends the request here.
    reply.header('www-authenticate', 'Bearer realm="fastasyncio"');
    sendProblem(request, reply, problem('unauthorized', request.headers.authorization ? 'the token is not valid' : 'send Authorization: Bearer <token>'));
  });
}

function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** Whether every address `host` stands for is a loopback address (`127.0.0.0/8`, `::1`). */
export async function isLoopbackHost(host: string): Promise<boolean> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare)) return isLoopbackAddress(bare);
  try {
    const addresses = await lookup(bare, { all: true, verbatim: true });
    return addresses.length > 0 && addresses.every((a) => isLoopbackAddress(a.address));
  } catch {
    return false;
  }
}
