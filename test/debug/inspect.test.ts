import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import type { RunEvent } from '../../engine/run/events';
import { readRun } from '../../engine/run/records';
import { CLI, cli } from '../helpers/cli';
import { oneJobProjects } from '../helpers/project';
import { CdpSession } from './cdp';
import { SourceMap } from './source-map';

// `fastasyncio run --inspect-brk`: the task worker under the Node inspector, driven over the Chrome
// DevTools Protocol as a debugger client (VS Code's, Chrome's) drives it. V8 knows only the code that
// the loader made of the TypeScript (esbuild's bundle, or sucrase's line-for-line output), under the
// .ts file's own URL; the client stops where that script starts, reads its inline source map, places the
// breakpoint set on a TypeScript line at the generated position the map gives, and maps where it stopped
// back. So these tests prove that the map's sources resolve, against the script's URL, to the original
// .ts files on disk, and that the breakpoint stops in `execute` at that very line; and that a task
// paused there longer than its timeout is not timed out.

const project = oneJobProjects();

const TASK = `import { BaseTask } from 'fastasyncio';
import { double } from '../lib/double';

interface Input {
  offset?: number;
}

export class Probe extends BaseTask {
  async execute(input: Input): Promise<number> {
    const base: number = double(20);
    const answer = base + 2; // breakpoint
    return answer;
  }
}
`;

const HELPER = `export function double(n: number): number {
  return n * 2;
}
`;

interface DebuggedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Where the breakpoint stopped: the original position, mapped back through the script's source map. */
  stopped: { source: string; line: number; functionName: string; sources: string[] };
}

/**
 * Runs job1 with `--inspect-brk=0`, attaches, sets a breakpoint on the task module's line marked
 * `// breakpoint` (through the source map, as a client does), stays paused there `pauseMs`, then resumes.
 */
async function debugRun(
  options: { timeout?: number; pauseMs?: number; compiler?: 'sucrase' } = {},
): Promise<DebuggedRun & { file: string; line: number; events: RunEvent[] }> {
  const { timeout, pauseMs = 0, compiler } = options;
  const p = project([{ name: 'Probe', ...(timeout === undefined ? {} : { timeout }) }], { 'src/job/task/probe.ts': TASK, 'src/job/lib/double.ts': HELPER });
  const file = `${p.root}/src/job/task/probe.ts`;
  const fileUrl = pathToFileURL(file).href;
  // 0-based, as CDP counts.
  const line = TASK.split('\n').findIndex((l) => l.includes('// breakpoint'));
  // FASTASYNCIO_COMPILER=sucrase: the loader of the packaged extension, which has no esbuild.
  const env = compiler ? { ...process.env, FASTASYNCIO_COMPILER: compiler } : process.env;
  const child = spawn(process.execPath, [CLI, 'run', p.configFile, 'job1', '--inspect-brk=0'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const found = /listens on (ws:\/\/[^;\s]+)/.exec(stderr);
      if (found) resolve(found[1]);
    });
    child.on('close', () => reject(new Error(`the run ended before its worker listened:\n${stderr}${stdout}`)));
  });
  const exited = once(child, 'close');
  const session = await CdpSession.connect(url);
  const sourceMaps = new Map<string, string>();
  session.on((method, params) => {
    if (method === 'Debugger.scriptParsed' && params.url === fileUrl) sourceMaps.set(params.scriptId as string, params.sourceMapURL as string);
  });
  await session.send('Debugger.enable');
  // As a client does for a file it expects to be compiled: stop where the script starts, to read its map.
  const entry = (await session.send('Debugger.setBreakpointByUrl', { url: fileUrl, lineNumber: 0, columnNumber: 0 })).breakpointId as string;
  let map: SourceMap | undefined;
  const stopped = new Promise<DebuggedRun['stopped']>((resolve, reject) => {
    session.on((method, params) => {
      if (method !== 'Debugger.paused') return;
      const frame = (params.callFrames as { functionName: string; location: { scriptId: string; lineNumber: number; columnNumber: number } }[])[0];
      const hit = (params.hitBreakpoints as string[] | undefined) ?? [];
      if (hit.includes(entry)) {
        // The task module's first line: its map (parsed by now) says where the TypeScript line is in the bundle.
        const scriptId = frame.location.scriptId;
        map = new SourceMap(sourceMaps.get(scriptId) ?? '', fileUrl);
        const at = map.generatedFor(fileUrl, line);
        if (!at) return reject(new Error(`the source map has no mapping for ${file}:${line + 1}; its sources: ${map.sources.join(', ')}`));
        session
          .send('Debugger.setBreakpoint', { location: { scriptId, lineNumber: at.line, columnNumber: at.column } })
          .then(() => session.send('Debugger.removeBreakpoint', { breakpointId: entry }))
          .then(() => session.send('Debugger.resume'))
          .catch(reject);
      } else if (hit.length > 0 && map && sourceMaps.has(frame.location.scriptId)) {
        const original = map.originalFor(frame.location.lineNumber, frame.location.columnNumber);
        resolve({ source: original?.source ?? '', line: original?.line ?? -1, functionName: frame.functionName, sources: map.sources });
      } else {
        // The break on start (--inspect-brk): go on.
        session.send('Debugger.resume').catch(reject);
      }
    });
  });
  await session.send('Runtime.runIfWaitingForDebugger');
  const where = await Promise.race([
    stopped,
    sleep(20_000, undefined, { ref: false }).then(() => Promise.reject(new Error(`no breakpoint hit:\n${stderr}${stdout}`))),
  ]);
  await sleep(pauseMs);
  await session.send('Debugger.resume');
  session.close();
  await exited;
  const events = readRun(p.root, p.records()[0].replace(/\.jsonl$/, '')) ?? [];
  return { code: child.exitCode, stdout, stderr, stopped: where, file, line, events };
}

describe('fastasyncio run --inspect-brk', () => {
  test('a breakpoint on a TypeScript line of a task binds there and stops in execute; resumed, the run succeeds', async () => {
    const run = await debugRun();
    const fileUrl = pathToFileURL(run.file).href;
    // The map's sources are the original files, resolved against the script's URL (the module's path).
    assert.ok(run.stopped.sources.includes(fileUrl), run.stopped.sources.join(', '));
    assert.ok(
      run.stopped.sources.some((s) => s.endsWith('/src/job/lib/double.ts')),
      run.stopped.sources.join(', '),
    );
    assert.equal(run.stopped.source, fileUrl);
    assert.equal(run.stopped.line, run.line);
    assert.equal(run.stopped.functionName, 'execute');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /✓ Probe succeeded/);
    assert.match(run.stdout, /debugger: the task worker \(pid \d+\) listens on ws:\/\/127\.0\.0\.1:\d+\//);
  });

  test('without esbuild (sucrase, line for line), the breakpoint binds through its source map all the same', async () => {
    const run = await debugRun({ compiler: 'sucrase' });
    const fileUrl = pathToFileURL(run.file).href;
    assert.deepEqual(run.stopped.sources, [fileUrl]);
    assert.equal(run.stopped.source, fileUrl);
    assert.equal(run.stopped.line, run.line);
    assert.equal(run.stopped.functionName, 'execute');
    assert.equal(run.code, 0, run.stderr + run.stdout);
  });

  test('a task with a 1 s timeout paused 2.5 s at a breakpoint is not timed out: timeouts are off while debugging', async () => {
    const run = await debugRun({ timeout: 1, pauseMs: 2500 });
    assert.equal(run.stopped.line, run.line);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const finished = run.events.find((e) => e.type === 'task-finished');
    assert.equal(finished?.type === 'task-finished' && finished.status, 'succeeded');
    assert.ok(finished?.type === 'task-finished' && finished.durationMs >= 2500, `paused 2.5 s: ${JSON.stringify(finished)}`);
    const said = run.events.filter((e) => e.type === 'run-log' && e.message === 'task timeouts are off while debugging');
    assert.equal(said.length, 1, 'said once in the run log');
  });

  test('an inspector port already taken fails the run with a message, rather than running without the debugger', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const p = project([{ name: 'Probe' }], {
        'src/job/task/probe.ts': TASK.replace('return answer;', 'await new Promise((r) => setTimeout(r, 5000));\n    return answer;'),
        'src/job/lib/double.ts': HELPER,
      });
      const { code, stdout } = await cli(['run', p.configFile, 'job1', `--inspect=${port}`]);
      assert.equal(code, 1, stdout);
      assert.match(
        stdout,
        new RegExp(`job1 failed in .*: the task worker's Node inspector could not listen on 127\\.0\\.0\\.1:${port} \\(address already in use\\)`),
      );
      // The record still begins with the run's plan.
      assert.equal(readRun(p.root, p.records()[0].replace(/\.jsonl$/, ''))?.[0].type, 'run-started');
    } finally {
      taken.close();
    }
  });

  test('with --redis (tasks on workers) the debug flags are a usage error that says what to debug instead', async () => {
    const p = project([{ name: 'Probe' }], { 'src/job/task/probe.ts': TASK, 'src/job/lib/double.ts': HELPER });
    const { code, stderr } = await cli(['run', p.configFile, 'job1', '--inspect-brk', '--redis', 'redis://127.0.0.1:1']);
    assert.equal(code, 2);
    assert.match(stderr, /--inspect-brk debugs the run's own worker; with --redis, debug a worker instead \(node --inspect dist\/cli\.js worker \.\.\.\)/);
    assert.deepEqual(p.records(), []);
  });
});
