import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { isLoopbackHost, tokenMatches } from '../../engine/http/auth';
import { createServer, UnsafeBindError } from '../../engine/http/server';
import { tempProject } from '../helpers/project';
import { JOBS, serve, TASKS } from './harness';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const TOKEN = 's3cret-token-for-tests';

/** Runs `fastasyncio serve` as a process; resolves once it printed its URL (or exited). */
function serveProcess(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, FASTASYNCIO_TOKEN: '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = new Promise<string | undefined>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    void exited.then(() => resolve(undefined));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe('HTTP API safety', () => {
  test('with a token: 401 without it or with a wrong one, 200 with it; /health stays open', async () => {
    const s = await serve({ token: TOKEN });
    const bare = (p: string, init: RequestInit = {}) => fetch(s.url + p, init);
    assert.equal((await bare('/health')).status, 200);
    const missing = await bare('/jobs');
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="fastasyncio"');
    assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.deepEqual(await missing.json(), {
      type: 'urn:fastasyncio:problem:unauthorized',
      title: 'A valid bearer token is required',
      status: 401,
      detail: 'send Authorization: Bearer <token>',
      instance: '/jobs',
    });
    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}X`, 'Bearer ', `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`]) {
      const wrong = await bare('/jobs', { headers: { authorization } });
      assert.equal(wrong.status, 401, authorization);
      await wrong.body?.cancel();
    }
    // Every endpoint but /health is guarded, and a refused request starts nothing.
    for (const [method, p] of [
      ['GET', '/openapi.json'],
      ['GET', '/jobs/quick'],
      ['POST', '/jobs/quick/runs'],
      ['GET', '/runs'],
      ['GET', '/runs/20200101T000000000Z-abcdef'],
      ['GET', '/runs/20200101T000000000Z-abcdef/events'],
      ['POST', '/runs/20200101T000000000Z-abcdef/cancel'],
      ['GET', '/nothing'],
    ]) {
      const answer = await bare(p, { method });
      assert.equal(answer.status, 401, `${method} ${p}`);
      await answer.body?.cancel();
    }
    assert.deepEqual(s.project.records(), []);
    assert.equal((await bare('/jobs', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
    assert.equal((await bare('/jobs', { headers: { authorization: `bearer   ${TOKEN}` } })).status, 200, 'the scheme is case-insensitive');
    const runId = await s.start('quick');
    assert.equal((await s.finished(runId)).status, 'succeeded');
    const doc = (
      await s.json<{ security: unknown; components: { securitySchemes: unknown }; paths: Record<string, { get?: { security?: unknown } }> }>('/openapi.json')
    ).body;
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    assert.deepEqual(doc.components.securitySchemes, { bearerAuth: { type: 'http', scheme: 'bearer' } });
    assert.deepEqual(doc.paths['/health'].get?.security, []);
  });

  test('tokens are compared as hashes of equal length', () => {
    const expected = createHash('sha256').update(TOKEN).digest();
    assert.equal(tokenMatches(expected, `Bearer ${TOKEN}`), true);
    assert.equal(tokenMatches(expected, `Bearer ${TOKEN.toUpperCase()}`), false);
    assert.equal(tokenMatches(expected, 'Bearer a'), false);
    assert.equal(tokenMatches(expected, undefined), false);
  });

  test('refuses to listen beyond loopback without a token; listens there with one', async () => {
    const project = tempProject({ jobs: JOBS }, TASKS);
    try {
      for (const host of ['0.0.0.0', '::']) {
        const server = createServer({ configFile: project.configFile, host, port: 0, watch: false, log: () => {} });
        await assert.rejects(
          server.listen(),
          (error: Error) => error instanceof UnsafeBindError && error.message.startsWith(`refusing to listen on ${host} without a token`),
        );
        assert.equal(server.app.server.listening, false);
        await server.close();
      }
      const guarded = createServer({ configFile: project.configFile, host: '0.0.0.0', port: 0, token: TOKEN, watch: false, log: () => {} });
      await guarded.listen();
      try {
        const address = guarded.app.server.address();
        assert.ok(address && typeof address === 'object' && address.address === '0.0.0.0');
        const answer = await fetch(`http://127.0.0.1:${address.port}/jobs`, { headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(answer.status, 200);
      } finally {
        await guarded.close();
      }
      const local = createServer({ configFile: project.configFile, host: 'localhost', port: 0, watch: false, log: () => {} });
      await local.listen();
      await local.close();
    } finally {
      project.remove();
    }
  });

  test('loopback addresses are recognised, others are not', async () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost']) assert.equal(await isLoopbackHost(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.20', '::ffff:10.0.0.1']) assert.equal(await isLoopbackHost(host), false, host);
  });

  test('fastasyncio serve: prints its URL, takes the token from FASTASYNCIO_TOKEN, stops on SIGTERM', async () => {
    const project = tempProject({ jobs: JOBS }, TASKS);
    try {
      const refused = serveProcess([project.configFile, '--host', '0.0.0.0', '--port', '0']);
      assert.equal(await refused.exited, 2);
      assert.match(refused.output().stderr, /refusing to listen on 0\.0\.0\.0 without a token/);
      assert.equal(refused.output().stdout, '');

      const emptyToken = serveProcess([project.configFile, '--port', '0', '--token', '']);
      assert.equal(await emptyToken.exited, 2);
      assert.match(emptyToken.output().stderr, /--token must not be empty/);

      const unreadable = serveProcess([path.join(project.root, 'nope.json'), '--port', '0']);
      assert.equal(await unreadable.exited, 2);
      assert.match(unreadable.output().stderr, /cannot read .*nope\.json: no such file/);

      const badPort = serveProcess([project.configFile, '--port', '99999']);
      assert.equal(await badPort.exited, 2);
      assert.match(badPort.output().stderr, /--port must be an integer from 0 to 65535, got "99999"/);

      const served = serveProcess([project.configFile, '--host', '0.0.0.0', '--port', '0'], { FASTASYNCIO_TOKEN: TOKEN });
      const url = await served.url;
      assert.ok(url, served.output().stderr);
      assert.equal((await fetch(`${url}/jobs`)).status, 401);
      assert.equal((await fetch(`${url}/jobs`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
      served.child.kill('SIGTERM');
      assert.equal(await served.exited, 0);
      assert.match(served.output().stderr, /SIGTERM: stopping/);
    } finally {
      project.remove();
    }
  });

  test('--host [::1]: the IPv6 loopback, bracketed as in URLs, needs no token', async (t) => {
    const project = tempProject({ jobs: JOBS }, TASKS);
    try {
      const served = serveProcess([project.configFile, '--host', '[::1]', '--port', '0']);
      const url = await served.url;
      if (!url && /EADDRNOTAVAIL|EAFNOSUPPORT/.test(served.output().stderr)) {
        t.skip('this machine has no IPv6 loopback');
        return;
      }
      assert.match(url ?? '', /^http:\/\/\[::1\]:\d+$/, served.output().stderr);
      // Listening at all without a token: it is a loopback address.
      assert.equal((await fetch(`${url}/jobs`)).status, 200);
      served.child.kill('SIGTERM');
      assert.equal(await served.exited, 0);
      // The same in-process, bracketed or not.
      for (const host of ['[::1]', '::1']) {
        const server = createServer({ configFile: project.configFile, host, port: 0, watch: false, log: () => {} });
        const address = await server.listen();
        try {
          assert.match(address, /^http:\/\/\[::1\]:\d+$/);
          assert.equal((await fetch(`${address}/health`)).status, 200);
        } finally {
          await server.close();
        }
      }
    } finally {
      project.remove();
    }
  });

  test('CORS is off unless configured; then only the configured origins get it', async () => {
    const off = await serve();
    const plain = await off.request('/jobs', { headers: { origin: 'http://app.example' } });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
    assert.equal(
      (await off.request('/jobs', { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' } })).status,
      404,
    );

    const on = await serve({ cors: ['http://app.example'], token: TOKEN });
    const allowed = await on.request('/jobs', { headers: { origin: 'http://app.example' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://app.example');
    assert.equal(allowed.headers.get('vary'), 'origin');
    const other = await on.request('/jobs', { headers: { origin: 'http://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    // Preflights carry no credentials: answered without the token.
    const preflight = await fetch(`${on.url}/jobs/quick/runs`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://app.example');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    const refusedPreflight = await fetch(`${on.url}/jobs/quick/runs`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(refusedPreflight.headers.get('access-control-allow-origin'), null);
    assert.equal(refusedPreflight.headers.get('access-control-allow-methods'), null);
    // The event stream carries the CORS headers too.
    const runId = await on.start('quick');
    await on.finished(runId);
    const stream = await on.request(`/runs/${runId}/events`, { headers: { origin: 'http://app.example' } });
    assert.equal(stream.headers.get('access-control-allow-origin'), 'http://app.example');
    await stream.text();
  });
});
