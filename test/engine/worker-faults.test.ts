import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import type { RunEvent, RunSummary } from '../../engine/run/events';
import { runJobInChild } from '../../engine/run/child-runner';
import { readRun, recordFile } from '../../engine/run/records';
import { CLI, cli } from '../helpers/cli';
import { oneJobProjects, type TempProject, taskModule, tempProject } from '../helpers/project';

// Hostile but ordinary tasks, run through the real worker process (dist/cli.js: `npm test` builds it first).

const project = oneJobProjects();

/** `fastasyncio run <config> job1 --format json`, to its end. */
async function runCli(p: TempProject): Promise<{ code: number | null; summary: RunSummary | undefined; stderr: string }> {
  const { code, stdout, stderr } = await cli(['run', p.configFile, 'job1', '--format', 'json']);
  try {
    return { code, summary: JSON.parse(stdout) as RunSummary, stderr };
  } catch {
    return { code, summary: undefined, stderr };
  }
}

/** Alive and not a zombie (a killed process nobody has reaped yet is gone for our purposes). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const MB = 1024 * 1024;

describe('output a task cannot overwhelm the runner with', () => {
  test('600 MB written to stdout without a newline: the run ends with its summary, the record within budget', async () => {
    const p = project([{ name: 'Flood' }, { name: 'After', dependencies: ['Flood'] }], {
      ...taskModule('Flood', "const chunk = 'z'.repeat(1 << 20); for (let i = 0; i < 600; i++) process.stdout.write(chunk); return 'done';"),
      ...taskModule('After', 'return input.Flood;'),
    });
    const { code, summary, stderr } = await runCli(p);
    assert.equal(code, 0, stderr);
    assert.equal(summary?.status, 'succeeded');
    assert.equal(summary?.results.After, 'done');
    const events = readRun(p.root, summary.runId) ?? [];
    assert.equal(events.at(-1)?.type, 'run-finished');
    const notice = events.find((e) => e.type === 'task-log' && e.dropped);
    assert.ok(notice?.type === 'task-log' && notice.task === 'Flood' && notice.dropped!.chars > 500 * MB, 'one line says how much was dropped');
    assert.ok(
      events.every((e) => e.type !== 'task-log' || e.message.length <= 64 * 1024),
      'lines are split at 64 KB',
    );
    assert.ok(fs.statSync(recordFile(p.root, summary.runId)).size < 12 * MB, 'the record keeps the task budget (8 MB), not 600 MB');
  });

  test('300 MB written straight to file descriptor 1 (past any capture) is read in bounded lines and budgeted', async () => {
    const p = project(
      [{ name: 'Native' }],
      taskModule(
        'Native',
        "const fs = require('node:fs'); const chunk = Buffer.alloc(1 << 20, 'n'); for (let i = 0; i < 300; i++) fs.writeSync(1, chunk); return 1;",
      ),
    );
    const { code, summary, stderr } = await runCli(p);
    assert.equal(code, 0, stderr);
    assert.equal(summary?.status, 'succeeded');
    const events = readRun(p.root, summary.runId) ?? [];
    assert.equal(events.at(-1)?.type, 'run-finished');
    const notice = events.find((e) => e.type === 'run-log' && e.dropped);
    assert.ok(notice?.type === 'run-log' && notice.dropped!.chars > 250 * MB, 'the run says what it dropped');
    assert.ok(fs.statSync(recordFile(p.root, summary.runId)).size < 40 * MB, 'the record keeps the run budget (32 MB)');
  });

  test('500,000 short lines: every one is in the record, in order, before run-finished', async () => {
    const p = project([{ name: 'Lines' }], taskModule('Lines', "for (let i = 0; i < 500000; i++) console.log('line ' + i); return 1;"));
    const { code, summary, stderr } = await runCli(p);
    assert.equal(code, 0, stderr);
    const events = readRun(p.root, summary!.runId) ?? [];
    const lines = events.filter((e): e is Extract<RunEvent, { type: 'task-log' }> => e.type === 'task-log');
    assert.equal(lines.length, 500_000);
    assert.ok(
      lines.every((e, i) => e.message === `line ${i}`),
      'in order',
    );
    assert.equal(events.at(-1)?.type, 'run-finished');
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
    );
  });

  test('a chatty task keeps within the budget it is given: what is kept, and one line for the rest', async () => {
    const p = project([{ name: 'Chatty' }, { name: 'Quiet' }], {
      ...taskModule('Chatty', "const line = 'c'.repeat(99); for (let i = 0; i < 100000; i++) console.log(line); return 1;"),
      ...taskModule('Quiet', "ctx.log('still heard'); return 2;"),
    });
    const events: RunEvent[] = [];
    const summary = await runJobInChild({
      configFile: p.configFile,
      job: 'job1',
      outputLimits: { task: 100 * 1024, run: 1 * MB },
      onEvent: (e) => events.push(e),
    });
    assert.equal(summary.status, 'succeeded');
    const chatty = events.filter((e) => e.type === 'task-log' && e.task === 'Chatty');
    const kept = Math.floor((100 * 1024) / 99);
    assert.equal(chatty.length, kept + 1, 'kept 100 KB of 99-character lines, then one notice');
    assert.deepEqual((chatty.at(-1) as { dropped?: unknown }).dropped, { lines: 100000 - kept, chars: (100000 - kept) * 99 });
    assert.ok(
      events.some((e) => e.type === 'task-log' && e.task === 'Quiet' && e.message === 'still heard'),
      "another task's budget is its own",
    );
  });
});

describe('workers that must not outlive their parent', () => {
  test('kill -9 of `fastasyncio run` while a task spins in while (true) {}: the worker is gone within 3 s', async () => {
    const p = project([{ name: 'Spin' }], taskModule('Spin', "ctx.log('worker pid ' + process.pid); while (true) {}"));
    const parent = spawn(process.execPath, [CLI, 'run', p.configFile, 'job1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /worker pid (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      parent.on('close', () => reject(new Error(`the run ended first: ${out}`)));
    });
    assert.ok(alive(pid));
    parent.kill('SIGKILL');
    const killed = Date.now();
    while (alive(pid) && Date.now() - killed < 10_000) await new Promise((r) => setTimeout(r, 50));
    const after = Date.now() - killed;
    assert.equal(alive(pid), false, 'the worker died with its parent');
    assert.ok(after < 3000, `gone after ${after} ms`);
  });
});

describe('a worker killed for a stuck task', () => {
  test('costs only that task: the tasks running beside it start again in a new worker, without using a retry', async () => {
    const p = project(
      [
        { name: 'Beside', retries: 0 },
        { name: 'Stuck', timeout: 0.3 },
        { name: 'Later', dependencies: ['Beside'] },
        { name: 'Blocked', dependencies: ['Stuck'] },
      ],
      {
        ...taskModule('Stuck', 'await sleep(100); while (true) {}'),
        ...taskModule(
          'Beside',
          "ctx.log('attempt ' + ctx.attempt + ' in ' + process.pid); await sleep(1500, ctx.signal); return { attempt: ctx.attempt, pid: process.pid };",
        ),
        ...taskModule('Later', 'return input.Beside.attempt;'),
        ...taskModule('Blocked', 'return 1;'),
      },
    );
    const events: RunEvent[] = [];
    const summary = await runJobInChild({ configFile: p.configFile, job: 'job1', graceMs: 300, onEvent: (e) => events.push(e) });
    assert.equal(summary.status, 'failed');
    assert.equal(summary.tasks.Stuck.status, 'timedOut');
    assert.match(summary.tasks.Stuck.error ?? '', /did not stop/);
    assert.equal(summary.tasks.Beside.status, 'succeeded');
    assert.equal(summary.tasks.Beside.attempts, 2);
    assert.deepEqual(summary.results.Later, 2, 'the graph went on with the new attempt');
    assert.equal(summary.tasks.Blocked.status, 'skipped');
    const pids = events.flatMap((e) => (e.type === 'task-log' && e.task === 'Beside' ? [/in (\d+)/.exec(e.message)?.[1]] : []));
    assert.equal(new Set(pids).size, 2, 'the second attempt ran in another worker');
    assert.equal(events.filter((e) => e.type === 'run-started').length, 1);
    assert.equal(events.at(-1)?.type, 'run-finished');
    assert.deepEqual(
      readRun(p.root, summary.runId)?.map((e) => e.seq),
      events.map((e) => e.seq),
    );
  });

  test('a handler that does not run the tasks again in the new worker leaves the ended ones as they ended', async () => {
    const p = tempProject(
      {
        jobs: [
          {
            name: 'job1',
            handler: 'once_handler.OnceHandler',
            tasks: [{ name: 'Quick' }, { name: 'Stuck', timeout: 0.3, dependencies: ['Quick'] }, { name: 'Never', dependencies: ['Stuck'] }],
          },
        ],
      },
      {
        ...taskModule('Quick', "return 'done';"),
        ...taskModule('Stuck', 'while (true) {}'),
        ...taskModule('Never', 'return 1;'),
        'src/joborchrestrator/handler/once_handler.js':
          "const { GenericJobHandler } = require('fastasyncio');\nexports.OnceHandler = class OnceHandler extends GenericJobHandler {\n  async run(ctx) { if (ctx.resumed) return undefined; return super.run(ctx); }\n};\n",
      },
    );
    const summary = await runJobInChild({ configFile: p.configFile, job: 'job1', graceMs: 300 });
    p.remove();
    assert.equal(summary.status, 'failed');
    assert.equal(summary.tasks.Quick.status, 'succeeded', 'not turned into skipped by the new worker');
    assert.equal(summary.results.Quick, 'done');
    assert.equal(summary.tasks.Stuck.status, 'timedOut');
    assert.equal(summary.tasks.Never.status, 'skipped');
  });

  test('a stuck task with retries left is retried in the new worker', async () => {
    const p = project([{ name: 'Once', timeout: 0.3, retries: 1 }], taskModule('Once', "if (ctx.attempt === 1) while (true) {} return 'second time';"));
    const summary = await runJobInChild({ configFile: p.configFile, job: 'job1', graceMs: 300 });
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.tasks.Once.attempts, 2);
    assert.equal(summary.results.Once, 'second time');
  });
});
