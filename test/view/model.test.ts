import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../engine/analysis/analyze';
import type { RunEvent } from '../../engine/run/events';
import { RunState } from '../../engine/run/summary';
import { criticalPath } from '../../engine/view/critical-path';
import { applyEvent, applyEvents } from '../../engine/view/fold';
import { jobViewModel } from '../../engine/view/from-job';
import { LOG_LINES_KEPT, taskInput, taskRun, taskStatus, VIEW_MODEL_VERSION, type ViewModel, type ViewTask } from '../../engine/view/model';
import { isHostMessage } from '../../engine/view/protocol';
import { CONFIG, defaultProject, job } from '../helpers/fixture';

const RUN = '20260101T000000000Z-abcdef';
const T0 = 1_700_000_000_000;

/** A model of tasks given as `id: deps` (stages computed), without a run. */
function model(spec: Record<string, string[]>): ViewModel {
  const tasks: ViewTask[] = [];
  const stage = new Map<string, number>();
  for (const [id, dependencies] of Object.entries(spec)) {
    stage.set(id, 1 + dependencies.reduce((m, d) => Math.max(m, stage.get(d)!), 0));
    tasks.push({ id, className: id, dependencies, stage: stage.get(id)! });
  }
  return { version: VIEW_MODEL_VERSION, job: 'job1', tasks };
}

/** Events of a run, stamped in order; `at` is milliseconds after the start. */
function events(m: ViewModel, list: [at: number, event: Record<string, unknown>][]): RunEvent[] {
  const started = {
    type: 'run-started',
    job: m.job,
    configFile: CONFIG,
    root: '/p',
    concurrency: null,
    tasks: m.tasks.map((t) => ({ id: t.id, className: t.className, dependencies: t.dependencies, stage: t.stage })),
    stages: [],
  };
  return [[0, started] as const, ...list].map(([at, event], i) => ({ ...event, runId: RUN, seq: i + 1, time: T0 + at }) as RunEvent);
}

/** A run over A → (Flaky, Slow, Boom) → Join, After: a retry, a timeout, a failure, a skip. */
function sampleRun() {
  const m = model({ A: [], Flaky: ['A'], Slow: [], Boom: ['A'], After: ['Boom'], Join: ['Flaky', 'A'] });
  const stack = 'Error: flaky\n    at Flaky.execute (flaky.js:3:11)';
  const list = events(m, [
    [10, { type: 'task-started', task: 'A', attempt: 1 }],
    [12, { type: 'task-started', task: 'Slow', attempt: 1 }],
    [20, { type: 'task-log', task: 'A', message: 'fetching', stream: 'stdout' }],
    [110, { type: 'task-finished', task: 'A', status: 'succeeded', attempts: 1, durationMs: 100, result: { rows: 3 } }],
    [111, { type: 'task-started', task: 'Flaky', attempt: 1 }],
    [112, { type: 'task-started', task: 'Boom', attempt: 1 }],
    [120, { type: 'task-retrying', task: 'Flaky', attempt: 1, delayMs: 50, error: { message: 'flaky', stack } }],
    [
      125,
      { type: 'task-finished', task: 'Boom', status: 'failed', attempts: 1, durationMs: 13, error: { message: 'boom', stack: 'TypeError: boom\n    at x' } },
    ],
    [
      125,
      { type: 'task-finished', task: 'After', status: 'skipped', attempts: 0, durationMs: 0, error: { message: 'skipped: dependency "Boom" did not succeed' } },
    ],
    [170, { type: 'task-started', task: 'Flaky', attempt: 2 }],
    [180, { type: 'task-finished', task: 'Flaky', status: 'succeeded', attempts: 2, durationMs: 69, result: 'ok' }],
    [181, { type: 'task-started', task: 'Join', attempt: 1 }],
    [200, { type: 'task-finished', task: 'Join', status: 'succeeded', attempts: 1, durationMs: 19, result: [1, 2] }],
    [312, { type: 'task-retrying', task: 'Slow', attempt: 1, delayMs: 50, error: { message: 'timed out after 0.3s' } }],
    [362, { type: 'task-started', task: 'Slow', attempt: 2 }],
    [400, { type: 'run-log', message: 'handler says hi' }],
    [662, { type: 'task-finished', task: 'Slow', status: 'timedOut', attempts: 2, durationMs: 650, error: { message: 'timed out after 0.3s' } }],
    [
      670,
      {
        type: 'run-finished',
        status: 'failed',
        durationMs: 670,
        summary: { job: 'job1', runId: RUN, status: 'failed', durationMs: 670, tasks: {}, output: { total: 42 } },
      },
    ],
  ]);
  return { model: m, events: list };
}

describe('the view model of a job', () => {
  test('from a config: tasks in order with their dependencies, stages, modules and places in the config; all pending', () => {
    const text = job(
      [
        '        { "name": "A" },',
        '        { "name": "B", "dependencies": ["A"], "timeout": 2, "retries": 1 },',
        '        { "name": "C", "dependencies": ["A", "B"] }',
      ].join('\n'),
    );
    const analysis = analyzeConfig(text, { file: CONFIG, files: defaultProject(['A', 'B', 'C']) });
    const view = jobViewModel(analysis.model!.jobs[0], CONFIG, { configText: text });
    assert.deepEqual(
      view.tasks.map((t) => [t.id, t.dependencies, t.stage]),
      [
        ['A', [], 1],
        ['B', ['A'], 2],
        ['C', ['A', 'B'], 3],
      ],
    );
    assert.equal(view.tasks[1].module, '/p/src/job/task/b.ts');
    assert.deepEqual(view.tasks[1].configPosition, { line: 7, character: 8 });
    assert.equal(text.split('\n')[7].slice(8, 17), '{ "name":');
    assert.equal(view.tasks[1].timeoutMs, 2000);
    assert.equal(view.tasks[1].retries, 1);
    assert.equal(view.configFile, CONFIG);
    assert.equal(view.run, undefined);
    assert.deepEqual(
      view.tasks.map((t) => taskStatus(view, t.id)),
      ['pending', 'pending', 'pending'],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(view)), view, 'plain JSON');
  });

  test("folding a run: statuses, attempts and durations are the summary's (RunState)", () => {
    const { model: m, events: list } = sampleRun();
    applyEvents(m, list);
    const summary = RunState.of(list).summary();
    for (const task of m.tasks) {
      const run = taskRun(m, task.id)!;
      assert.deepEqual(
        [run.status, run.attempt, run.durationMs],
        [summary.tasks[task.id].status, summary.tasks[task.id].attempts, summary.tasks[task.id].durationMs],
        task.id,
      );
    }
    assert.equal(m.run!.status, summary.status);
    assert.equal(m.run!.durationMs, summary.durationMs);
    assert.deepEqual(m.run!.output, { total: 42 });
    assert.equal(m.run!.finished, true);
    assert.deepEqual(
      m.run!.logs.map((l) => l.message),
      ['handler says hi'],
    );
  });

  test('attempts: a retried failure with its stack and back-off, timeouts, times from the events', () => {
    const { model: m, events: list } = sampleRun();
    applyEvents(m, list);
    const flaky = taskRun(m, 'Flaky')!;
    assert.deepEqual(
      flaky.attempts.map((a) => [a.attempt, a.start - T0, a.end! - T0, a.outcome, a.retryDelayMs]),
      [
        [1, 111, 120, 'failed', 50],
        [2, 170, 180, 'succeeded', undefined],
      ],
    );
    assert.match(flaky.attempts[0].error!.stack!, /at Flaky\.execute/);
    const slow = taskRun(m, 'Slow')!;
    assert.deepEqual(
      slow.attempts.map((a) => [a.attempt, a.outcome]),
      [
        [1, 'timedOut'],
        [2, 'timedOut'],
      ],
    );
    assert.equal(slow.error?.message, 'timed out after 0.3s');
    const boom = taskRun(m, 'Boom')!;
    assert.equal(boom.error?.stack, 'TypeError: boom\n    at x');
    assert.deepEqual(taskRun(m, 'After')!.attempts, []);
    assert.deepEqual(
      taskRun(m, 'A')!.logs.map((l) => [l.message, l.stream, l.attempt]),
      [['fetching', 'stdout', 1]],
    );
  });

  test("a task's input is its dependencies' results, as the scheduler passes them", () => {
    const { model: m, events: list } = sampleRun();
    applyEvents(m, list);
    assert.deepEqual(taskInput(m, 'Join'), { Flaky: 'ok', A: { rows: 3 } });
    assert.deepEqual(taskInput(m, 'After'), { Boom: undefined });
    assert.deepEqual(taskInput(m, 'A'), {});
    assert.equal(taskRun(m, 'Join')!.result instanceof Array, true);
  });

  test('log lines: the last ones are kept, the others counted', () => {
    const m = model({ A: [] });
    const lines: [number, Record<string, unknown>][] = Array.from({ length: LOG_LINES_KEPT + 25 }, (_, i) => [
      i,
      { type: 'task-log', task: 'A', message: `line ${i}` },
    ]);
    applyEvents(m, events(m, lines));
    const run = taskRun(m, 'A')!;
    assert.equal(run.logs.length, LOG_LINES_KEPT);
    assert.equal(run.droppedLogs, 25);
    assert.equal(run.logs[0].message, 'line 25');
  });

  test('a run whose plan differs from the config adopts the plan (the structure changes) and keeps what the config said', () => {
    const m = model({ A: [], B: ['A'] });
    m.tasks[0].module = '/p/src/job/task/a.ts';
    const planned = model({ A: [], C: ['A'] });
    const [started] = events(planned, []);
    assert.deepEqual(applyEvent(m, started), { structure: true, everyTask: true });
    assert.deepEqual(
      m.tasks.map((t) => [t.id, t.dependencies, t.module]),
      [
        ['A', [], '/p/src/job/task/a.ts'],
        ['C', ['A'], undefined],
      ],
    );
    // The same plan again (a new run): nothing to lay out, every status to draw again.
    assert.deepEqual(applyEvent(m, { ...started, seq: 2 }), { everyTask: true });
  });

  test('a task named __proto__ is a task like any other', () => {
    const m = model(JSON.parse('{ "__proto__": [], "B": ["__proto__"] }') as Record<string, string[]>);
    assert.deepEqual(
      m.tasks.map((t) => t.id),
      ['__proto__', 'B'],
    );
    applyEvents(
      m,
      events(m, [
        [1, { type: 'task-started', task: '__proto__', attempt: 1 }],
        [2, { type: 'task-finished', task: '__proto__', status: 'succeeded', attempts: 1, durationMs: 1, result: 7 }],
      ]),
    );
    assert.equal(taskStatus(m, '__proto__'), 'succeeded');
    assert.deepEqual(taskInput(m, 'B'), JSON.parse('{"__proto__": 7}'));
    assert.equal(Object.getPrototypeOf(m.run!.tasks), Object.prototype);
  });
});

describe('the critical path', () => {
  test('without a run: the longest chain of tasks', () => {
    assert.deepEqual(criticalPath(model({ A: [], B: ['A'], C: [], D: ['B', 'C'], E: [] })), ['A', 'B', 'D']);
    assert.deepEqual(criticalPath(model({})), []);
  });

  test('with a run: the chain that took longest; tasks that never ran are not on it', () => {
    const { model: m, events: list } = sampleRun();
    applyEvents(m, list);
    // Slow (650 ms) alone outweighs A → Flaky → Join (100 + 69 + 19).
    assert.deepEqual(criticalPath(m), ['Slow']);
    const quick = sampleRun();
    applyEvents(
      quick.model,
      quick.events.map((e) => (e.type === 'task-finished' && e.task === 'Slow' ? { ...e, durationMs: 10 } : e)),
    );
    assert.deepEqual(criticalPath(quick.model), ['A', 'Flaky', 'Join']);
    assert.ok(!criticalPath(quick.model).includes('After'), 'a skipped task is not on it');
  });

  test('live: a running task weighs the time since its first attempt started', () => {
    const m = model({ A: [], B: [], C: ['B'] });
    applyEvents(
      m,
      events(m, [
        [0, { type: 'task-started', task: 'B', attempt: 1 }],
        [5, { type: 'task-started', task: 'A', attempt: 1 }],
        [5, { type: 'task-finished', task: 'B', status: 'succeeded', attempts: 1, durationMs: 5 }],
        [6, { type: 'task-started', task: 'C', attempt: 1 }],
        [20, { type: 'task-finished', task: 'C', status: 'succeeded', attempts: 1, durationMs: 14 }],
      ]),
    );
    // B and C took 19 ms; A, still running, has taken 10 ms at +15 ms and 95 ms at +100 ms.
    assert.deepEqual(criticalPath(m, T0 + 15), ['B', 'C']);
    assert.deepEqual(criticalPath(m, T0 + 100), ['A']);
  });
});

test('host messages are recognised by their type', () => {
  assert.ok(isHostMessage({ type: 'model', model: model({}) }));
  assert.ok(isHostMessage({ type: 'event', event: {} }));
  assert.ok(!isHostMessage({ type: 'open-module' }));
  assert.ok(!isHostMessage('model'));
  assert.ok(!isHostMessage(null));
});
