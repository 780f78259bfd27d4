import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobModel, TaskModel } from '../../engine/config/types';
import type { RunEvent, TaskFinishedEvent } from '../../engine/run/events';
import type { TaskExecution, TaskExecutor } from '../../engine/run/executor';
import { runGraph } from '../../engine/run/scheduler';
import { sleep } from '../../engine/runtime/task';

type Body = (execution: TaskExecution) => unknown;

function job(tasks: (Partial<TaskModel> & { id: string })[], extra: Partial<JobModel> = {}): JobModel {
  return {
    name: 'job',
    handler: 'GenericJobHandler',
    handlerClass: 'GenericJobHandler',
    onFailure: 'continue',
    index: 0,
    ...extra,
    tasks: tasks.map((t, index) => ({ className: t.id, dependencies: [], params: {}, retries: 0, retryDelay: 0, module: '/m.js', index, ...t })),
  };
}

/** Runs a graph whose tasks are functions by class name; returns the events. */
async function run(model: JobModel, bodies: Record<string, Body>, options: { concurrency?: number; signal?: AbortSignal } = {}) {
  const events: RunEvent[] = [];
  let seq = 0;
  const executor: TaskExecutor = { execute: async (execution) => bodies[execution.className](execution) };
  const outcome = await runGraph({ runId: 'r', job: model, executor, emit: (e) => events.push(e), nextSeq: () => ++seq, ...options });
  const finished = new Map(events.filter((e): e is TaskFinishedEvent => e.type === 'task-finished').map((e) => [e.task, e]));
  return { events, outcome, finished, order: (type: RunEvent['type']) => events.filter((e) => e.type === type).map((e) => (e as { task: string }).task) };
}

const wait = (ms: number, value?: unknown) => (x: TaskExecution) => sleep(ms, x.signal).then(() => value ?? x.task);

describe('scheduler', () => {
  test('independent tasks overlap; a task starts as soon as its own dependencies are done, not its stage', async () => {
    // Stage 1: A (short), B (long). C depends on A only: it must start before B ends.
    const model = job([{ id: 'A' }, { id: 'B' }, { id: 'C', dependencies: ['A'] }, { id: 'D', dependencies: ['B', 'C'] }]);
    const { events } = await run(model, { A: wait(20), B: wait(200), C: wait(20), D: wait(1) });
    const at = (type: string, task: string) => events.findIndex((e) => e.type === type && (e as { task?: string }).task === task);
    assert.ok(at('task-started', 'B') < at('task-finished', 'A'), 'A and B run together');
    assert.ok(at('task-started', 'C') < at('task-finished', 'B'), 'C starts while B still runs');
    assert.ok(at('task-started', 'D') > at('task-finished', 'B') && at('task-started', 'D') > at('task-finished', 'C'));
  });

  test('each task receives its dependencies results by task id, including __proto__ and constructor', async () => {
    const model = job([{ id: '__proto__' }, { id: 'constructor' }, { id: 'Sum', dependencies: ['__proto__', 'constructor'] }]);
    let seen: Record<string, unknown> = {};
    await run(model, {
      __proto__: () => 2,
      constructor: () => 3,
      Sum: (x) => {
        seen = x.input;
        return (x.input['__proto__'] as number) + (x.input['constructor'] as number);
      },
    });
    assert.deepEqual(Object.keys(seen).sort(), ['__proto__', 'constructor']);
    assert.equal(seen['__proto__'], 2);
    assert.equal(seen['constructor'], 3);
  });

  test('a failed task fails only itself: its dependents are skipped, the rest goes on', async () => {
    const model = job([{ id: 'Bad' }, { id: 'After', dependencies: ['Bad'] }, { id: 'Later', dependencies: ['After'] }, { id: 'Other' }]);
    const { finished } = await run(model, {
      Bad: () => {
        throw new Error('boom');
      },
      After: () => 1,
      Later: () => 1,
      Other: wait(10),
    });
    assert.equal(finished.get('Bad')?.status, 'failed');
    assert.equal(finished.get('Bad')?.error?.message, 'boom');
    assert.match(finished.get('Bad')?.error?.stack ?? '', /boom/);
    assert.equal(finished.get('After')?.status, 'skipped');
    assert.equal(finished.get('Later')?.status, 'skipped');
    assert.equal(finished.get('Other')?.status, 'succeeded');
  });

  test('onFailure "stop": nothing new starts and running tasks are aborted', async () => {
    const model = job([{ id: 'Bad' }, { id: 'Slow' }, { id: 'After', dependencies: ['Slow'] }], { onFailure: 'stop' });
    let slowAborted = false;
    const { finished, order } = await run(model, {
      Bad: async () => {
        await sleep(10);
        throw new Error('boom');
      },
      Slow: async (x) => {
        x.signal.addEventListener('abort', () => (slowAborted = true));
        await sleep(5000, x.signal);
      },
      After: () => 1,
    });
    assert.equal(finished.get('Bad')?.status, 'failed');
    assert.equal(finished.get('Slow')?.status, 'cancelled');
    assert.equal(finished.get('After')?.status, 'skipped');
    assert.ok(slowAborted, "the running task's signal was aborted");
    assert.ok(!order('task-started').includes('After'));
  });

  test('a timeout aborts the signal and ends the task timedOut; its dependents are skipped', async () => {
    const model = job([
      { id: 'Slow', timeout: 0.05 },
      { id: 'After', dependencies: ['Slow'] },
    ]);
    let reason: unknown;
    const { finished } = await run(model, {
      Slow: async (x) => {
        x.signal.addEventListener('abort', () => (reason = x.signal.reason));
        await sleep(5000, x.signal);
      },
      After: () => 1,
    });
    assert.equal(finished.get('Slow')?.status, 'timedOut');
    assert.match(finished.get('Slow')?.error?.message ?? '', /timed out after 0.05s/);
    assert.equal((reason as Error).name, 'TimeoutError');
    assert.equal(finished.get('After')?.status, 'skipped');
  });

  test('a task that ignores its signal is abandoned at its timeout; its late result is discarded and the run goes on', async () => {
    const model = job([{ id: 'Stubborn', timeout: 0.05 }, { id: 'Other' }]);
    const started = performance.now();
    const { finished, outcome } = await run(model, { Stubborn: () => sleep(400).then(() => 'late'), Other: wait(10) });
    assert.ok(performance.now() - started < 350, 'the run did not wait for the abandoned task');
    assert.equal(finished.get('Stubborn')?.status, 'timedOut');
    assert.equal(outcome.results[0], undefined);
    assert.equal(finished.get('Other')?.status, 'succeeded');
  });

  test('retries: failed attempts are retried with retryDelay doubling, then the task succeeds', async () => {
    const model = job([{ id: 'Flaky', retries: 3, retryDelay: 0.02 }]);
    const { events, finished } = await run(model, {
      Flaky: (x) => {
        if (x.attempt < 3) throw new Error(`attempt ${x.attempt} failed`);
        return 'ok';
      },
    });
    const retrying = events.filter((e) => e.type === 'task-retrying');
    assert.deepEqual(
      retrying.map((e) => [e.attempt, e.delayMs]),
      [
        [1, 20],
        [2, 40],
      ],
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'task-started').map((e) => e.attempt),
      [1, 2, 3],
    );
    assert.equal(finished.get('Flaky')?.status, 'succeeded');
    assert.equal(finished.get('Flaky')?.attempts, 3);
  });

  test('retries run out: the task fails with the last error', async () => {
    const model = job([{ id: 'Bad', retries: 1 }]);
    const { finished } = await run(model, {
      Bad: (x) => {
        throw new Error(`attempt ${x.attempt}`);
      },
    });
    assert.equal(finished.get('Bad')?.status, 'failed');
    assert.equal(finished.get('Bad')?.attempts, 2);
    assert.equal(finished.get('Bad')?.error?.message, 'attempt 2');
  });

  test('the concurrency limit holds, from the job and overridden by the run', async () => {
    const tasks = Array.from({ length: 12 }, (_, i) => ({ id: `T${i}`, className: 'Work' }));
    for (const [limit, override] of [
      [3, undefined],
      [3, 2],
    ] as const) {
      let active = 0;
      let peak = 0;
      const body: Body = async () => {
        peak = Math.max(peak, ++active);
        await sleep(5);
        active--;
      };
      await run(job(tasks, { maxConcurrency: limit }), { Work: body }, { concurrency: override });
      assert.equal(peak, override ?? limit);
    }
  });

  test('cancelling the run aborts running tasks and marks the rest cancelled', async () => {
    const model = job([{ id: 'Running' }, { id: 'Waiting', dependencies: ['Running'] }, { id: 'Done' }]);
    const controller = new AbortController();
    let aborted = false;
    setTimeout(() => controller.abort(), 50);
    const { finished, outcome } = await run(
      model,
      {
        Running: async (x) => {
          x.signal.addEventListener('abort', () => (aborted = true));
          await sleep(5000, x.signal);
        },
        Waiting: () => 1,
        Done: () => 1,
      },
      { signal: controller.signal },
    );
    assert.ok(aborted);
    assert.ok(outcome.cancelled);
    assert.equal(finished.get('Running')?.status, 'cancelled');
    assert.equal(finished.get('Waiting')?.status, 'cancelled');
    assert.equal(finished.get('Done')?.status, 'succeeded');
  });

  test('a result that is not JSON-serialisable fails the task with a clear message', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const { finished } = await run(job([{ id: 'A' }, { id: 'B' }]), { A: () => circular, B: () => 10n });
    assert.equal(finished.get('A')?.status, 'failed');
    assert.match(finished.get('A')?.error?.message ?? '', /not JSON-serialisable/);
    assert.match(finished.get('B')?.error?.message ?? '', /bigint/);
  });

  test('events are numbered in order and are plain JSON', async () => {
    const { events } = await run(job([{ id: 'A' }, { id: 'B', dependencies: ['A'] }]), { A: () => ({ n: 1 }), B: () => 2 });
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
    );
    for (const e of events) assert.deepEqual(JSON.parse(JSON.stringify(e)), e);
  });

  test('a bad concurrency value is refused with a message that names it', () => {
    assert.throws(
      () => runGraph({ runId: 'r', job: job([{ id: 'A' }]), executor: { execute: async () => 1 }, concurrency: -1, emit: () => {}, nextSeq: () => 0 }),
      /Expected `concurrency` to be a positive integer, got -1/,
    );
  });
});
