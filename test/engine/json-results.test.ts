import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runJobInChild } from '../../engine/run/child-runner';
import type { RunEvent } from '../../engine/run/events';
import { readRun } from '../../engine/run/records';
import { runJob } from '../../engine/run/run-job';
import { oneJobProjects, taskModule } from '../helpers/project';

// The child-process test forks dist/cli.js: `npm test` builds it first.

const project = oneJobProjects();

/** Task class name, the body of its `execute`, and the message its result must fail with. */
const dishonest: [string, string, string | RegExp][] = [
  ['Nan', 'return { items: [1, 2, NaN] };', 'result.items[2] is NaN'],
  ['Inf', 'return { stats: { max: Infinity } };', 'result.stats.max is Infinity'],
  ['Tags', "return { tags: new Set(['a']) };", 'result.tags is a Set (JSON would write {}'],
  ['Mapped', "return { m: new Map([['k', 1]]) };", 'result.m is a Map'],
  ['Fn', 'return { name: "x", f() { return 1; } };', 'result.f is a function (JSON would drop it)'],
  ['Hole', 'return { list: [1, undefined, 3] };', 'result.list[1] is undefined (JSON would write null)'],
  ['Big', 'return { big: 10n };', 'result.big is a BigInt'],
  ['Circular', 'const o = { a: { } }; o.a.back = o; return o;', 'result.a.back is a circular reference to result'],
  ['Unawaited', 'return { data: sleep(1) };', 'result.data is a Promise (JSON would write {}; did you forget await?)'],
  ['Bytes', 'return { bytes: new Uint8Array([1, 2]) };', 'result.bytes is a Uint8Array'],
  ['Failure', "return { error: new Error('kept?') };", 'result.error is an Error'],
  ['Spaced', 'return { "a b": [NaN] };', 'result["a b"][0] is NaN'],
  ['TopNan', 'return NaN;', 'result is NaN'],
];

describe('results JSON would change fail their task, naming the path', () => {
  test('in-process: each dishonest result fails only its task; honest siblings succeed and are recorded', async () => {
    const files: Record<string, string> = {
      ...taskModule('Honest', "return { when: new Date(0), bytes: Buffer.from('hi'), optional: undefined, list: [1, 'two', null], nested: { ok: true } };"),
      ...taskModule('Nothing', 'return undefined;'),
      ...taskModule('Shared', 'const s = { n: 1 }; return { a: s, b: [s, s] };'),
      ...taskModule('After', 'return input.Honest.list.length;'),
      ...taskModule('Dependent', 'return 1;'),
    };
    for (const [name, body] of dishonest) Object.assign(files, taskModule(name, body));
    const tasks = [
      ...dishonest.map(([name]) => ({ name })),
      { name: 'Honest' },
      { name: 'Nothing' },
      { name: 'Shared' },
      { name: 'After', dependencies: ['Honest'] },
      { name: 'Dependent', dependencies: ['Nan'] },
    ];
    const p = project(tasks, files);
    const events: RunEvent[] = [];
    const summary = await runJob({ configFile: p.configFile, job: 'job1', onEvent: (e) => events.push(e) });
    assert.equal(summary.status, 'failed');
    for (const [name, , message] of dishonest) {
      assert.equal(summary.tasks[name].status, 'failed', name);
      const error = summary.tasks[name].error ?? '';
      assert.ok(error.startsWith("the task's result is not JSON-serialisable: "), `${name}: ${error}`);
      if (typeof message === 'string') assert.ok(error.includes(message), `${name}: expected "${message}" in "${error}"`);
      else assert.match(error, message, name);
      assert.equal(name in summary.results, false, `${name} has no result`);
    }
    assert.equal(summary.tasks.Honest.status, 'succeeded');
    assert.deepEqual(summary.results.Honest, {
      when: new Date(0),
      bytes: Buffer.from('hi'),
      optional: undefined,
      list: [1, 'two', null],
      nested: { ok: true },
    });
    assert.equal(summary.tasks.Nothing.status, 'succeeded');
    assert.deepEqual(summary.results.Shared, { a: { n: 1 }, b: [{ n: 1 }, { n: 1 }] });
    assert.equal(summary.results.After, 3);
    assert.equal(summary.tasks.Dependent.status, 'skipped');
    // What was recorded is what the tasks returned, as JSON writes it.
    const recorded = readRun(p.root, summary.runId)?.find((e) => e.type === 'task-finished' && e.task === 'Honest');
    assert.deepEqual(recorded?.type === 'task-finished' && recorded.result, JSON.parse(JSON.stringify(summary.results.Honest)));
  });

  test('a dishonest result is retried like any failure, and its message names the path on every attempt', async () => {
    const p = project([{ name: 'Flaky', retries: 1, retryDelay: 0 }], taskModule('Flaky', 'return ctx.attempt === 1 ? { v: NaN } : { v: 1 };'));
    const events: RunEvent[] = [];
    const summary = await runJob({ configFile: p.configFile, job: 'job1', onEvent: (e) => events.push(e) });
    const retrying = events.find((e) => e.type === 'task-retrying');
    assert.match((retrying?.type === 'task-retrying' && retrying.error.message) || '', /result\.v is NaN/);
    assert.equal(summary.tasks.Flaky.status, 'succeeded');
    assert.deepEqual(summary.results.Flaky, { v: 1 });
  });
});

describe('prototype pollution in a task does not break the engine', () => {
  test('child process: a task plants Object.prototype.toJSON; the run does not die and the others keep their true results', async () => {
    const p = project(
      [
        { name: 'Polluter' },
        { name: 'Later', dependencies: ['Polluter'] },
        { name: 'Last', dependencies: ['Later'] },
        { name: 'ArrayPolluter', dependencies: ['Later'] },
      ],
      {
        ...taskModule('Polluter', "ctx.log('planting'); Object.prototype.toJSON = () => 'polluted'; return { planted: true };"),
        ...taskModule('Later', "ctx.log('still logging'); return { list: [1, { deep: 'x' }], input: input.Polluter };"),
        ...taskModule('ArrayPolluter', "Array.prototype.toJSON = () => 'polluted too'; return [1, 2];"),
        ...taskModule('Last', 'await sleep(20); return { sum: input.Later.list[0] + 1, nested: [[1], { a: null }] };'),
      },
    );
    const events: RunEvent[] = [];
    const summary = await runJobInChild({ configFile: p.configFile, job: 'job1', graceMs: 300, onEvent: (e) => events.push(e) });
    assert.doesNotMatch(summary.error ?? '', /worker process exited/, `the run died: ${summary.error}`);
    for (const task of Object.values(summary.tasks)) assert.doesNotMatch(task.error ?? '', /worker process exited/);
    // The task that polluted may fail with a clear message, or succeed if the engine is immune.
    if (summary.tasks.Polluter.status === 'succeeded') assert.deepEqual(summary.results.Polluter, { planted: true });
    assert.equal(summary.tasks.Later.status, 'succeeded');
    assert.deepEqual(summary.results.Later, { list: [1, { deep: 'x' }], input: { planted: true } });
    assert.equal(summary.tasks.Last.status, 'succeeded');
    assert.deepEqual(summary.results.Last, { sum: 2, nested: [[1], { a: null }] });
    assert.equal(summary.tasks.ArrayPolluter.status, 'succeeded');
    assert.deepEqual(summary.results.ArrayPolluter, [1, 2]);
    assert.equal(summary.status, 'succeeded');
    assert.ok(
      events.some((e) => e.type === 'task-log' && e.message === 'still logging'),
      'events after the pollution arrive intact',
    );
    assert.equal(events.at(-1)?.type, 'run-finished');
    const recorded = readRun(p.root, summary.runId) ?? [];
    assert.deepEqual(
      recorded.map((e) => e.type),
      events.map((e) => e.type),
    );
  });
});
