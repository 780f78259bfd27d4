import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { RunEvent } from '../../engine/run/events';
import { runJobInChild } from '../../engine/run/child-runner';
import { readRun } from '../../engine/run/records';
import { oneJobProjects, type TempProject, taskModule } from '../helpers/project';

// These tests fork dist/cli.js: `npm test` builds it first.

const project = oneJobProjects();

async function run(p: TempProject, signal?: AbortSignal) {
  const events: RunEvent[] = [];
  const summary = await runJobInChild({ configFile: p.configFile, job: 'job1', signal, graceMs: 300, onEvent: (e) => events.push(e) });
  return { summary, events };
}

describe('child-process runner', () => {
  test('streams the same events as an in-process run, in order, and records them', async () => {
    const p = project([{ name: 'A' }, { name: 'B', dependencies: ['A'] }], {
      ...taskModule('A', "ctx.log('hello from ' + process.pid); return 1;"),
      ...taskModule('B', 'return input.A + 1;'),
    });
    const { summary, events } = await run(p);
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.results.B, 2);
    const log = events.find((e) => e.type === 'task-log');
    assert.ok(log?.type === 'task-log' && !log.message.endsWith(String(process.pid)), 'the task ran in another process');
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
    );
    assert.deepEqual(
      readRun(p.root, summary.runId)?.map((e) => e.type),
      events.map((e) => e.type),
    );
  });

  test('a task stuck in a synchronous loop past its timeout is stopped: the worker is killed, the task timed out, the graph goes on', async () => {
    const p = project([{ name: 'Other' }, { name: 'Stuck', timeout: 0.2, dependencies: ['Other'] }, { name: 'After', dependencies: ['Stuck'] }], {
      ...taskModule('Stuck', 'for (;;) {}'),
      ...taskModule('Other', 'await sleep(100); return 1;'),
      ...taskModule('After', 'await sleep(10000); return 2;'),
    });
    const started = Date.now();
    const { summary } = await run(p);
    assert.ok(Date.now() - started < 10_000, 'the run ended well before the stuck task would');
    assert.equal(summary.status, 'failed');
    assert.equal(summary.tasks.Stuck.status, 'timedOut');
    assert.match(summary.tasks.Stuck.error ?? '', /did not stop/);
    assert.equal(summary.tasks.Other.status, 'succeeded');
    assert.equal(summary.tasks.After.status, 'skipped');
    assert.match(summary.tasks.After.error ?? '', /dependency "Stuck" did not succeed/);
  });

  test('a crash of the worker loses nothing already reported: the record holds every event and the ending', async () => {
    const p = project([{ name: 'Fine' }, { name: 'Crash', dependencies: ['Fine'] }, { name: 'Never', dependencies: ['Crash'] }], {
      ...taskModule('Fine', "ctx.log('before the crash'); return 'ok';"),
      ...taskModule('Crash', "ctx.log('about to crash'); await sleep(50); process.kill(process.pid, 'SIGKILL');"),
      ...taskModule('Never', 'return 1;'),
    });
    const { summary, events } = await run(p);
    assert.equal(summary.status, 'failed');
    assert.match(summary.error ?? '', /killed \(SIGKILL\)/);
    const recorded = readRun(p.root, summary.runId)!;
    assert.deepEqual(
      recorded,
      events.map((e) => JSON.parse(JSON.stringify(e)) as RunEvent),
    );
    const messages = recorded.filter((e) => e.type === 'task-log').map((e) => (e.type === 'task-log' ? e.message : ''));
    assert.deepEqual(messages, ['before the crash', 'about to crash']);
    assert.equal(summary.tasks.Fine.status, 'succeeded');
    assert.equal(summary.tasks.Crash.status, 'failed');
    assert.equal(summary.tasks.Never.status, 'skipped');
    assert.equal(recorded.at(-1)?.type, 'run-finished');
  });

  test('cancel stops a worker even when a task ignores its signal in a synchronous loop', async () => {
    const p = project([{ name: 'Spin' }, { name: 'Later', dependencies: ['Spin'] }], {
      ...taskModule('Spin', 'for (;;) {}'),
      ...taskModule('Later', 'return 1;'),
    });
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const done = runJobInChild({
      configFile: p.configFile,
      job: 'job1',
      signal: controller.signal,
      graceMs: 300,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'task-started') setTimeout(() => controller.abort(), 100);
      },
    });
    const summary = await done;
    assert.equal(summary.status, 'cancelled');
    assert.equal(summary.tasks.Spin.status, 'cancelled');
    assert.equal(summary.tasks.Later.status, 'cancelled');
    assert.equal(events.at(-1)?.type, 'run-finished');
  });

  test("what a task prints becomes its own log lines; what module code prints, the run's", async () => {
    const p = project([{ name: 'Chatty' }, { name: 'Quiet' }], {
      ...taskModule(
        'Chatty',
        "console.log('printed by a task'); await sleep(10); console.error('and to stderr'); process.stdout.write('no newline'); return 1;",
      ),
      'src/job/task/quiet.js': "console.log('printed when loaded');\nexports.Quiet = class Quiet { async execute() { return 2; } };\n",
    });
    const { events } = await run(p);
    const lines = events.flatMap((e) =>
      e.type === 'task-log' || e.type === 'run-log' ? [[e.type === 'task-log' ? e.task : '(run)', e.stream, e.message]] : [],
    );
    assert.deepEqual(
      lines.filter(([, stream]) => stream),
      [
        ['(run)', 'stdout', 'printed when loaded'],
        ['Chatty', 'stdout', 'printed by a task'],
        ['Chatty', 'stderr', 'and to stderr'],
        ['Chatty', 'stdout', 'no newline'],
      ],
    );
  });
});

describe('child-process runner, hard cases', () => {
  test('a task waiting to retry is not taken for stuck: the watchdog waits for the next attempt', async () => {
    const p = project(
      [{ name: 'Flaky', timeout: 0.3, retries: 1, retryDelay: 0.6 }],
      taskModule('Flaky', "if (ctx.attempt === 1) throw new Error('first try'); return 'second';"),
    );
    const { summary } = await run(p);
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.tasks.Flaky.attempts, 2);
  });

  test('a worker that dies before it starts still reports every task and a finished run', async () => {
    const p = project([{ name: 'A' }, { name: 'B', dependencies: ['A'] }], { ...taskModule('A', 'return 1;'), ...taskModule('B', 'return 2;') });
    const events: RunEvent[] = [];
    const summary = await runJobInChild({
      configFile: p.configFile,
      job: 'job1',
      workerScript: p.write('not-a-worker.js', 'process.exit(3);'),
      onEvent: (e) => events.push(e),
    });
    assert.equal(summary.status, 'failed');
    assert.match(summary.error ?? '', /exited with code 3/);
    assert.deepEqual(Object.keys(summary.tasks), ['A', 'B']);
    assert.equal(events[0].type, 'run-started');
    assert.equal(events.at(-1)?.type, 'run-finished');
    assert.deepEqual(
      readRun(p.root, summary.runId)?.map((e) => e.type),
      events.map((e) => e.type),
    );
  });

  test('everything a task prints reaches the record, even right before the worker exits', async () => {
    const p = project([{ name: 'Loud' }], taskModule('Loud', "for (let i = 0; i < 2000; i++) console.log('line ' + i); return 1;"));
    const { summary, events } = await run(p);
    const lines = events.filter((e) => e.type === 'task-log' && e.message.startsWith('line '));
    assert.equal(lines.length, 2000);
    assert.equal(readRun(p.root, summary.runId)?.filter((e) => e.type === 'task-log' && e.message.startsWith('line ')).length, 2000);
  });

  test('a worker stuck in a loop does not outlive a parent that exits', async () => {
    const p = project([{ name: 'Spin' }], taskModule('Spin', "ctx.log('pid ' + process.pid); for (;;) {}"));
    const script = p.write(
      'parent.ts',
      `import { runJobInChild } from ${JSON.stringify(require.resolve('../../engine/run/child-runner'))};
void runJobInChild({ configFile: ${JSON.stringify(p.configFile)}, job: 'job1', onEvent: (e) => {
  if (e.type === 'task-log') { console.log(e.message); setTimeout(() => process.exit(0), 50); }
} });\n`,
    );
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', timeout: 30_000 });
    const pid = Number(/pid (\d+)/.exec(out)?.[1]);
    assert.ok(pid > 0, out);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, 'the worker was killed with its parent');
  });
});
