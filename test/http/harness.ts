import * as fs from 'node:fs';
import { after } from 'node:test';
import type { RunEvent, RunSummary } from '../../engine/run/events';
import { type ApiServer, createServer, type ServeOptions } from '../../engine/http/server';
import { type TempProject, taskModule, tempProject } from '../helpers/project';

// The runs go through the child-process runner, which forks dist/cli.js: `npm test` builds it first.

export interface Served {
  project: TempProject;
  server: ApiServer;
  url: string;
  /** What the server logged. */
  logs: string[];
  /** fetch relative to the server, with the token when one was set. */
  request(path: string, init?: RequestInit): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: T }>;
  /** Starts a run; returns its id. */
  start(job?: string, body?: object): Promise<string>;
  /** Polls `GET /runs/{runId}` until the run has ended. */
  finished(runId: string): Promise<RunSummary>;
  /** Rewrites the config file. */
  writeConfig(config: unknown): void;
}

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Task modules the jobs below use: results passed by name, a long sleep that honours cancel, a failure. */
export const TASKS: Record<string, string> = {
  ...taskModule('A', "ctx.log('A here'); return 20;"),
  ...taskModule('B', 'return input.A + 1;'),
  ...taskModule('C', 'return { c: true };'),
  ...taskModule('Slow', 'await sleep(ctx.params.ms ?? 30000, ctx.signal); return "slept";'),
  ...taskModule('Boom', "throw new Error('no luck');"),
  ...taskModule('Steps', 'for (let i = 0; i < 5; i++) { ctx.log(`step ${i}`); await sleep(60, ctx.signal); }\n    return input.A + 5;'),
};

export const JOBS = [
  { name: 'quick', handler: 'GenericJobHandler', tasks: [{ name: 'A' }, { name: 'B', dependencies: ['A'] }, { name: 'C' }] },
  { name: 'slow', handler: 'GenericJobHandler', tasks: [{ name: 'Slow' }, { name: 'After', task: 'C', dependencies: ['Slow'] }] },
  { name: 'failing', handler: 'GenericJobHandler', tasks: [{ name: 'Boom' }, { name: 'Never', task: 'C', dependencies: ['Boom'] }] },
  { name: 'steps', handler: 'GenericJobHandler', tasks: [{ name: 'A' }, { name: 'Steps', dependencies: ['A'] }] },
];

/** A temp project served over real HTTP on a free port (stopped after the test file). */
export async function serve(options: Partial<ServeOptions> & { config?: unknown; files?: Record<string, string> } = {}): Promise<Served> {
  const { config = { jobs: JOBS }, files = TASKS, ...serveOptions } = options;
  const project = tempProject(config, files);
  const logs: string[] = [];
  const server = createServer({ configFile: project.configFile, port: 0, graceMs: 300, log: (line) => logs.push(line), ...serveOptions });
  const url = await server.listen();
  cleanups.push(async () => {
    await server.close();
    project.remove();
  });
  const auth: Record<string, string> = serveOptions.token ? { authorization: `Bearer ${serveOptions.token}` } : {};
  const request = (path: string, init: RequestInit = {}) =>
    fetch(url + path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
  const json = async <T>(path: string, init?: RequestInit) => {
    const response = await request(path, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const served: Served = {
    project,
    server,
    url,
    logs,
    request,
    json,
    async start(job = 'quick', body?: object) {
      const init: RequestInit = body ? { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : { method: 'POST' };
      const { status, body: answer } = await json<{ runId: string }>(`/jobs/${job}/runs`, init);
      if (status !== 202) throw new Error(`POST /jobs/${job}/runs answered ${status}: ${JSON.stringify(answer)}`);
      return answer.runId;
    },
    async finished(runId) {
      let summary: RunSummary | undefined;
      await waitFor(async () => {
        summary = (await json<RunSummary>(`/runs/${runId}`)).body;
        return summary.status !== 'running';
      }, `run ${runId} to end`);
      return summary!;
    },
    writeConfig(next) {
      fs.writeFileSync(project.configFile, typeof next === 'string' ? next : JSON.stringify(next, null, 2));
    },
  };
  return served;
}

/** Polls `check` every 50 ms until it holds; fails after a generous 20 s. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface SseMessage {
  id?: string;
  data: string;
}

/** Reads a server-sent event stream to its end (the server closes it). */
export async function readSse(response: Response, onMessage?: (message: SseMessage) => void): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: SseMessage = { data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) message.id = line.slice(4);
        else if (line.startsWith('data: ')) {
          message.data += (hasData ? '\n' : '') + line.slice(6);
          hasData = true;
        }
      }
      if (!hasData) continue;
      messages.push(message);
      onMessage?.(message);
    }
  }
  return messages;
}

export const events = (messages: readonly SseMessage[]) => messages.map((m) => JSON.parse(m.data) as RunEvent);
