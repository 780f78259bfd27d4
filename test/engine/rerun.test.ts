// Re-runs in the engine: `rerun.from` reuses what succeeded in an earlier run, `rerun.only` runs just some
// tasks with their dependencies' recorded results, `rerun.params` overrides params; changes since the
// earlier run refuse reuse unless `force`. Real runs, real records.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { runJobInChild } from '../../engine/run/child-runner';
import type { RunEvent, RunStartedEvent, TaskFinishedEvent } from '../../engine/run/events';
import { readRun, recordFile } from '../../engine/run/records';
import { RerunError, type RerunRequest } from '../../engine/run/rerun';
import { runJob } from '../../engine/run/run-job';
import { type TempProject, taskModule, tempProject } from '../helpers/project';

const projects: TempProject[] = [];
after(() => projects.forEach((p) => p.remove()));

// A and C start at once, B follows A, D waits for B and C. B fails when its `fail` param is set.
const TASKS = [{ name: 'A', params: { n: 1 } }, { name: 'B', dependencies: ['A'] }, { name: 'C' }, { name: 'D', dependencies: ['B', 'C'] }];
const FILES = {
  ...taskModule('A', '    return { a: ctx.params.n, big: ctx.params.big ? "x".repeat(1_200_000) : undefined };'),
  ...taskModule('B', '    if (ctx.params.fail) throw new Error("B was told to fail");\n    return input.A.a + 1;'),
  ...taskModule('C', '    return 10;'),
  ...taskModule('D', '    return input.B + input.C;'),
};

function project(tasks: object[] = TASKS, files: Record<string, string> = FILES): TempProject {
  const p = tempProject({ jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks }] }, files);
  projects.push(p);
  return p;
}

async function run(p: TempProject, rerun?: RerunRequest) {
  const events: RunEvent[] = [];
  const summary = await runJob({ configFile: p.configFile, job: 'job1', onEvent: (e) => events.push(e), rerun });
  const started = events.filter((e) => e.type === 'task-started').map((e) => e.task);
  const reused = events.filter((e): e is TaskFinishedEvent => e.type === 'task-finished' && e.reused !== undefined);
  return { summary, events, started, reused: Object.fromEntries(reused.map((e) => [e.task, e.reused])) };
}

const plan = (events: RunEvent[]) => events.find((e): e is RunStartedEvent => e.type === 'run-started')!;

async function refused(promise: Promise<unknown>, reason: RerunError['reason'], pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RerunError, `a RerunError, got ${String(error)}`);
    assert.equal(error.reason, reason);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('re-runs', () => {
  test('--from: what succeeded is reused with its recorded result, the failed task and its dependents run', async () => {
    const p = project();
    const first = await run(p, { params: { B: { fail: true } } });
    assert.equal(first.summary.status, 'failed');
    assert.equal(first.summary.tasks.D.status, 'skipped');
    // The overrides are in the record, and the plan holds the params the tasks ran with.
    assert.deepEqual(plan(first.events).rerun, { params: { B: { fail: true } } });
    assert.deepEqual(plan(first.events).tasks.find((t) => t.id === 'B')?.params, { fail: true });
    // Each module's sha1 once, in the plan's table; each task names its module.
    const moduleOfA = plan(first.events).tasks.find((t) => t.id === 'A')?.module ?? '';
    assert.match(moduleOfA, /^src\/job\/task\/a\.\w+$/);
    assert.match(plan(first.events).modules?.[moduleOfA] ?? '', /^[0-9a-f]{40}$/);

    const again = await run(p, { from: first.summary.runId });
    assert.equal(again.summary.status, 'succeeded');
    assert.deepEqual(again.started.sort(), ['B', 'D'], 'only the failed task and its dependent run');
    assert.deepEqual(again.reused, { A: first.summary.runId, C: first.summary.runId });
    assert.deepEqual(again.summary.tasks.A, { status: 'succeeded', attempts: 0, durationMs: 0, reused: first.summary.runId });
    // Results flow from the record: B got A's recorded result, D got C's.
    assert.equal(again.summary.results.B, 2);
    assert.equal(again.summary.results.D, 12);
    assert.deepEqual(again.summary.results.A, { a: 1 });
    assert.deepEqual(plan(again.events).rerun, { from: first.summary.runId });
    // The record says the same: reused tasks end succeeded without starting.
    const recorded = readRun(p.root, again.summary.runId)!;
    assert.deepEqual(
      recorded.filter((e) => e.type === 'task-finished' && e.reused).map((e) => (e as TaskFinishedEvent).task),
      ['A', 'C'],
    );
  });

  test('--from refuses a changed module, a changed dependency list or changed params unless --force', async () => {
    const p = project();
    const first = await run(p);
    assert.equal(first.summary.status, 'succeeded');
    const from = first.summary.runId;

    // A changed module.
    const moduleA = path.join(p.root, 'src/job/task/a.js');
    fs.appendFileSync(moduleA, '// changed\n');
    await refused(run(p, { from }), 'changed', /src\/job\/task\/a\.js \(A's module\) changed since run .*--force/);
    const forced = await run(p, { from, force: true });
    assert.equal(forced.summary.status, 'succeeded');
    assert.deepEqual(forced.started, [], 'everything succeeded there: nothing runs');
    assert.ok(
      forced.events.some((e) => e.type === 'run-log' && /--force: A's result from run .* is reused although/.test(e.message)),
      'the run log says what --force let through',
    );
    fs.writeFileSync(moduleA, FILES['src/job/task/a.js']);

    // A changed dependency list (C now follows A).
    const config = JSON.parse(fs.readFileSync(p.configFile, 'utf8')) as { jobs: { tasks: { name: string; dependencies?: string[] }[] }[] };
    config.jobs[0].tasks[2].dependencies = ['A'];
    fs.writeFileSync(p.configFile, JSON.stringify(config));
    await refused(run(p, { from }), 'changed', /C's dependencies changed since run .* \(none, now A\)/);

    // Changed params in the config.
    config.jobs[0].tasks[2].dependencies = [];
    (config.jobs[0].tasks[0] as { params?: object }).params = { n: 2 };
    fs.writeFileSync(p.configFile, JSON.stringify(config));
    await refused(run(p, { from }), 'changed', /A's params changed since run/);
  });

  test("a record of an earlier version, with each task's module sha1 in the task, is compared as well", async () => {
    const p = project();
    const first = await run(p);
    const from = first.summary.runId;
    // The plan as earlier versions wrote it: the sha1 in each task, no table of modules.
    const file = recordFile(p.root, from);
    const [startedLine, ...rest] = fs.readFileSync(file, 'utf8').split('\n');
    const { modules, ...started } = JSON.parse(startedLine) as RunStartedEvent;
    assert.ok(modules, 'this version writes the table');
    started.tasks = started.tasks.map((t) => (t.module ? { ...t, moduleSha1: modules[t.module] } : t));
    fs.writeFileSync(file, [JSON.stringify(started), ...rest].join('\n'));

    assert.deepEqual((await run(p, { from })).started, [], 'nothing changed: everything is reused');
    fs.appendFileSync(path.join(p.root, 'src/job/task/a.js'), '// changed\n');
    await refused(run(p, { from }), 'changed', /src\/job\/task\/a\.js \(A's module\) changed since run/);

    // No hash of the module where the plan should have one (a record edited by hand): it says so.
    const newer = { ...started, tasks: started.tasks.map(({ moduleSha1: _, ...t }) => t) };
    for (const table of [null, 'not a table', [], {}]) {
      fs.writeFileSync(file, [JSON.stringify({ ...newer, modules: table }), ...rest].join('\n'));
      await refused(run(p, { from }), 'changed', /recorded no hash of src\/job\/task\/a\.js, so src\/job\/task\/a\.js cannot be compared/);
    }
    // Without a table or hashes in the tasks (before run plans had hashes): the same, said of an older version.
    fs.writeFileSync(file, [JSON.stringify(newer), ...rest].join('\n'));
    await refused(run(p, { from }), 'changed', /recorded without its modules' hashes \(an older version\)/);
  });

  test('a task overridden with --param runs again, and so do its dependents', async () => {
    const p = project();
    const first = await run(p);
    const again = await run(p, { from: first.summary.runId, params: { A: { n: 5 } } });
    assert.deepEqual(again.started.sort(), ['A', 'B', 'D']);
    assert.deepEqual(again.reused, { C: first.summary.runId });
    assert.equal(again.summary.results.D, 16);
  });

  test('a result too large for the record is not reused: its task runs again, the log says why', async () => {
    const p = project([{ name: 'A', params: { n: 1, big: true } }, { name: 'B', dependencies: ['A'] }, { name: 'C' }], FILES);
    const first = await run(p);
    assert.equal(first.summary.status, 'succeeded');
    const again = await run(p, { from: first.summary.runId });
    assert.deepEqual(again.started.sort(), ['A', 'B']);
    assert.deepEqual(again.reused, { C: first.summary.runId });
    const logs = again.events.filter((e) => e.type === 'run-log').map((e) => e.message);
    assert.ok(
      logs.some((m) => /A runs again: its result was too large to keep in the record of run/.test(m)),
      logs.join('\n'),
    );
    assert.ok(
      logs.some((m) => m === 'B runs again: its dependency A does'),
      logs.join('\n'),
    );
  });

  test('--only: just those tasks, their inputs from the latest run where they succeeded, or refused naming what is missing', async () => {
    const p = project();
    await refused(run(p, { only: ['D'] }), 'missing', /no earlier run of job1 has a result for B, C, which D needs/);
    assert.deepEqual(p.records(), [], 'a refused run leaves no record');
    const first = await run(p, { params: { B: { fail: true } } });
    // B failed there: D cannot have its input.
    await refused(run(p, { only: ['D'] }), 'missing', /for B, which D needs/);
    const second = await run(p, { from: first.summary.runId });
    const only = await run(p, { only: ['D'] });
    assert.equal(only.summary.status, 'succeeded');
    assert.deepEqual(only.started, ['D']);
    // The latest run where each input succeeded: B ran in the second run; C was reused there, and counts.
    assert.deepEqual(only.reused, { B: second.summary.runId, C: second.summary.runId });
    assert.deepEqual(Object.keys(only.summary.tasks).sort(), ['B', 'C', 'D'], 'the run holds just D and its inputs');
    assert.deepEqual(plan(only.events).rerun, { only: ['D'] });
    // With --from, the inputs come from that run, and a task that did not succeed there is missing.
    await refused(run(p, { from: first.summary.runId, only: ['D'] }), 'missing', /run .* has no result for B/);
    const fromSecond = await run(p, { from: second.summary.runId, only: ['B', 'D'], params: { B: { fail: false } } });
    assert.deepEqual(fromSecond.started, ['B', 'D']);
    assert.deepEqual(fromSecond.reused, { A: second.summary.runId, C: second.summary.runId });
  });

  test('requests that cannot be done are refused with what is wrong', async () => {
    const p = project();
    await refused(run(p, { only: ['E'] }), 'request', /no task "E" in job job1/);
    await refused(run(p, { from: 'not-a-run' }), 'request', /"not-a-run" is not a run id/);
    await refused(run(p, { from: '20250101T000000000Z-abcdef' }), 'request', /no run 20250101T000000000Z-abcdef/);
    const first = await run(p);
    await refused(run(p, { from: first.summary.runId, only: ['D'], params: { A: { n: 3 } } }), 'request', /--param A: A does not run \(only D do/);
    assert.deepEqual(p.records(), [`${first.summary.runId}.jsonl`]);
  });

  test('through the child-process runner (the CLI and the extension), reused results reach the worker', async () => {
    const p = project();
    const first = await run(p, { params: { B: { fail: true } } });
    const events: RunEvent[] = [];
    const summary = await runJobInChild({ configFile: p.configFile, job: 'job1', rerun: { from: first.summary.runId }, onEvent: (e) => events.push(e) });
    assert.equal(summary.status, 'succeeded');
    assert.equal(summary.results.D, 12);
    assert.equal(summary.tasks.C.reused, first.summary.runId);
    assert.deepEqual(
      events
        .filter((e) => e.type === 'task-started')
        .map((e) => e.task)
        .sort(),
      ['B', 'D'],
    );
    assert.equal(events.filter((e) => e.type === 'run-started').length, 1);
  });
});
