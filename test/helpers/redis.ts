import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import type { RunEvent, RunSummary } from '../../engine/run/events';
import { readRun } from '../../engine/run/records';
import { RunState } from '../../engine/run/summary';
import { CLI } from './cli';
import type { TempProject } from './project';

/**
 * Runs on workers against the real thing: a Debian `redis-server` on a free port (no persistence), real
 * `fastasyncio worker` processes and real `fastasyncio run --redis` processes (dist/cli.js: build first).
 * Every process started here is killed when the test file's tests are done, or when its process exits.
 */

export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_CLI = '/usr/bin/redis-cli';

const children = new Set<ChildProcess>();
const closed = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
const track = (child: ChildProcess) => {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
};
/** Folders to remove at the end. */
const folders: string[] = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));
// Registered when a test file imports this module (at its top level, where node:test takes hooks).
after(async () => {
  const left = [...children];
  left.forEach((child) => child.kill('SIGKILL'));
  await Promise.all(left.map(closed));
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds (polled), or fails with `what` after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** A port nothing listens on right now (the OS's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something at the port answers a Redis PING (PONG, or NOAUTH when it wants a password). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data: Buffer) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`, with `:<password>@` when it has one. */
  url: string;
  port: number;
  password?: string;
  /** Stops it (SIGTERM, or SIGKILL: a crash) and waits for the process to end. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  /** A command through redis-cli, its raw output (`--raw`), trimmed. */
  command(...args: string[]): Promise<string>;
  /** `KEYS pattern`. */
  keys(pattern?: string): Promise<string[]>;
}

/**
 * Starts `redis-server --port <free port> --save '' --appendonly no`, answering PING; killed after the
 * file's tests (call it from `before`, or a test).
 */
export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-redis-'));
  folders.push(dir);
  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async (): Promise<boolean> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    if (options.password) args.push('--requirepass', options.password);
    const started = track(spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    child = started;
    let output = '';
    started.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    started.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) {
        // Another process took the port between our pick and its bind: the caller picks again.
        if (/already in use|bind/i.test(output)) return false;
        throw new Error(`redis-server exited: ${output}`);
      }
      if (await answers(port)) return true;
      await sleep(50);
    }
    started.kill('SIGKILL');
    throw new Error(`redis-server did not answer within 10 s: ${output}`);
  };
  for (let tries = 0; ; tries++) {
    port = await freePort();
    if (await launch()) break;
    if (tries === 5) throw new Error('no free port for redis-server');
  }
  const auth = options.password ? ['-a', options.password, '--no-auth-warning'] : [];
  const server: RedisServer = {
    url: `redis://${options.password ? `:${encodeURIComponent(options.password)}@` : ''}127.0.0.1:${port}`,
    port,
    password: options.password,
    stop: async (signal = 'SIGTERM') => {
      const running = child;
      if (!running) return;
      child = undefined;
      running.kill(signal);
      await closed(running);
    },
    start: async () => {
      if (child) return;
      if (!(await launch())) throw new Error(`port ${port} was taken while Redis was down`);
    },
    command: (...args) =>
      new Promise((resolve, reject) =>
        execFile(REDIS_CLI, ['-h', '127.0.0.1', '-p', String(port), ...auth, '--raw', ...args], (error, stdout) =>
          error ? reject(new Error(`redis-cli ${args.join(' ')}: ${error.message}`)) : resolve(stdout.trim()),
        ),
      ),
    keys: async (pattern = '*') =>
      (await server.command('KEYS', pattern))
        .split('\n')
        .filter((k) => k !== '')
        .sort(),
  };
  return server;
}

/** What Redis still holds of a run: keys that name it, and its jobs in the queue's lists and sets. */
export async function leftOfRun(redis: RedisServer, runId: string): Promise<string[]> {
  const left = (await redis.keys(`*${runId}*`)).map((k) => `key ${k}`);
  for (const queue of (await redis.keys('*:tasks:meta')).map((k) => k.slice(0, -':meta'.length))) {
    for (const [kind, read] of [
      ['wait', ['LRANGE', `${queue}:wait`, '0', '-1']],
      ['active', ['LRANGE', `${queue}:active`, '0', '-1']],
      ['paused', ['LRANGE', `${queue}:paused`, '0', '-1']],
      ['prioritized', ['ZRANGE', `${queue}:prioritized`, '0', '-1']],
      ['delayed', ['ZRANGE', `${queue}:delayed`, '0', '-1']],
      ['completed', ['ZRANGE', `${queue}:completed`, '0', '-1']],
      ['failed', ['ZRANGE', `${queue}:failed`, '0', '-1']],
      ['stalled', ['SMEMBERS', `${queue}:stalled`]],
    ] as const) {
      const ids = (await redis.command(...read)).split('\n').filter((id) => id.includes(runId));
      left.push(...ids.map((id) => `${kind} ${queue} ${id}`));
    }
  }
  return left;
}

/** Waits (a worker may still be tidying a job the run no longer waits for) until Redis holds nothing of the run. */
export async function assertNothingLeft(redis: RedisServer, runId: string, ms = 10_000): Promise<void> {
  let left: string[] = [];
  try {
    await until(`Redis to hold nothing of run ${runId}`, async () => (left = await leftOfRun(redis, runId)).length === 0, ms);
  } catch {
    throw new Error(`Redis still holds, ${ms / 1000} s after run ${runId} ended:\n${left.join('\n')}`);
  }
}

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once it printed its `ready` line; rejects if it exits first. */
  ready: Promise<void>;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** `fastasyncio worker <config> --redis <url> --name <name> [args]`: a real worker process. */
export function startWorker(
  configFile: string,
  url: string | undefined,
  options: { name: string; args?: string[]; env?: NodeJS.ProcessEnv; cwd?: string },
): WorkerProcess {
  const args = [CLI, 'worker', configFile, ...(url === undefined ? [] : ['--redis', url]), '--name', options.name, ...(options.args ?? [])];
  const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, cwd: options.cwd }));
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/\bready\b/.test(output)) resolve();
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`worker ${options.name} exited (${code}) before it was ready: ${output}`)));
  });
  ready.catch(() => undefined);
  return { name: options.name, child, output: () => output, ready, exited };
}

/** Starts workers and waits until every one is ready. */
export async function startWorkers(configFile: string, url: string, names: string[], args: string[] = []): Promise<WorkerProcess[]> {
  const workers = names.map((name) => startWorker(configFile, url, { name, args }));
  await Promise.all(workers.map((w) => w.ready));
  return workers;
}

/** Stops a worker (SIGTERM: gracefully) and returns its exit code. */
export async function stopWorker(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  worker.child.kill(signal);
  return worker.exited;
}

export interface QueueRun {
  code: number | null;
  stdout: string;
  stderr: string;
  runId?: string;
  /** `--format json`'s summary; with text, the summary rebuilt from the run's record. */
  summary?: RunSummary;
  /** The run's record. */
  events: RunEvent[];
  /** Wall time of the `run` process. */
  ms: number;
}

export interface RunProcess {
  child: ChildProcess;
  stdout(): string;
  done: Promise<QueueRun>;
}

/**
 * `fastasyncio run <config> <job> [--redis url] --format <format> [args]`, started. With text, the output
 * comes as the run goes (`stdout()`); the summary is the record's.
 */
export function startRun(
  p: TempProject,
  url: string | undefined,
  options: { job?: string; format?: 'json' | 'text'; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): RunProcess {
  const format = options.format ?? 'json';
  const args = [CLI, 'run', p.configFile, options.job ?? 'job1', ...(url === undefined ? [] : ['--redis', url]), '--format', format, ...(options.args ?? [])];
  const started = Date.now();
  const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<QueueRun>((resolve) => {
    child.on('close', (code) => {
      const ms = Date.now() - started;
      let summary: RunSummary | undefined;
      let runId: string | undefined;
      if (format === 'json') {
        try {
          summary = JSON.parse(stdout) as RunSummary;
          runId = summary.runId;
        } catch {
          // No summary: the run was refused (stderr says why).
        }
      } else {
        runId = /\(run ([^)\s]+)\)/.exec(stdout)?.[1];
      }
      const events = (runId && readRun(p.root, runId)) || [];
      if (!summary && events.length > 0) summary = RunState.of(events).summary();
      resolve({ code, stdout, stderr, runId, summary, events, ms });
    });
  });
  return { child, stdout: () => stdout, done };
}

/** `fastasyncio run ... --redis url`, to its end. */
export function runOnWorkers(
  p: TempProject,
  url: string | undefined,
  options: { job?: string; format?: 'json' | 'text'; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<QueueRun> {
  return startRun(p, url, options).done;
}

/** The run's `task-log` lines of a task. */
export const taskLines = (run: QueueRun, task: string) => run.events.flatMap((e) => (e.type === 'task-log' && e.task === task ? [e.message] : []));
/** The run's `run-log` lines. */
export const runLines = (run: QueueRun) => run.events.flatMap((e) => (e.type === 'run-log' ? [e.message] : []));
/** The workers the run's `task-assigned` events name for a task, in order. */
export const assignedTo = (run: QueueRun, task: string) => run.events.flatMap((e) => (e.type === 'task-assigned' && e.task === task ? [e.worker] : []));
