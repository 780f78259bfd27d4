import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { buildGraph } from '../../engine/analysis/graph';
import { planJob } from '../../engine/analysis/plan';
import type { JobModel, TaskModel } from '../../engine/config/types';
import type { RunEvent } from '../../engine/run/events';
import { RunRecorder, serialise } from '../../engine/run/recorder';
import { planEvent } from '../../engine/run/setup';

/**
 * What the engine's faster paths must keep exactly: the plan (stages by longest path, what each stage
 * waits on, tasks that never run), the `run-started` plan's stages, and record lines that are the
 * characters `JSON.stringify` writes whatever the lines before them were.
 */

const task = (id: string, dependencies: string[] = []): TaskModel => ({ id, className: 'C', dependencies, params: {}, retries: 0, retryDelay: 0 }) as TaskModel;
const job = (tasks: TaskModel[]): JobModel => ({ name: 'j', handler: 'GenericJobHandler', tasks }) as unknown as JobModel;

/** The plan by its definition, the slow way: ids, sets and repeated passes. */
function referencePlan(j: JobModel): { stages: { index: number; tasks: string[]; after: string[] }[]; stageOf: Record<string, number>; unreachable: string[] } {
  const first = new Map<string, TaskModel>();
  for (const t of j.tasks) if (!first.has(t.id)) first.set(t.id, t);
  const known = (t: TaskModel) => [...new Set(t.dependencies.filter((d) => first.has(d) && d !== t.id))];
  const stageOf: Record<string, number> = {};
  for (let changed = true; changed;) {
    changed = false;
    for (const t of first.values()) {
      if (stageOf[t.id] || t.dependencies.includes(t.id)) continue;
      const deps = known(t);
      if (deps.every((d) => stageOf[d])) {
        stageOf[t.id] = 1 + Math.max(0, ...deps.map((d) => stageOf[d]));
        changed = true;
      }
    }
  }
  const stages: { index: number; tasks: string[]; after: string[] }[] = [];
  const unreachable: string[] = [];
  for (const t of first.values()) {
    const s = stageOf[t.id];
    if (!s) {
      unreachable.push(t.id);
      continue;
    }
    while (stages.length < s) stages.push({ index: stages.length + 1, tasks: [], after: [] });
    stages[s - 1].tasks.push(t.id);
  }
  for (const s of stages) s.after = [...new Set(s.tasks.flatMap((id) => known(first.get(id)!)))];
  return { stages, stageOf, unreachable };
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

/** Jobs with everything a plan meets: unknown names, repeated names, tasks of the same id, self-dependencies, cycles. */
function randomJob(seed: number): JobModel {
  const r = random(seed);
  const n = Math.floor(r() * 30);
  const tasks: TaskModel[] = [];
  for (let i = 0; i < n; i++) {
    const deps: string[] = [];
    for (let k = Math.floor(r() * 4); k > 0; k--) deps.push(`t${Math.floor(r() * (n + 2))}`);
    tasks.push(task(`t${r() < 0.1 ? Math.floor(r() * n) : i}`, deps));
  }
  return job(tasks);
}

describe('the plan', () => {
  test('planJob is the plan by its definition, on jobs of every kind', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const j = randomJob(seed);
      const plan = planJob(j);
      assert.deepEqual({ stages: plan.stages, stageOf: { ...plan.stageOf }, unreachable: plan.unreachable }, referencePlan(j), `seed ${seed}`);
      assert.deepEqual(planJob(j, buildGraph(j)), plan, `seed ${seed}`);
    }
  });

  test("run-started's stages and each task's stage are planJob's", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const j = randomJob(seed);
      const plan = planJob(j);
      const base = { runId: 'r', seq: 1, time: 0, configFile: '/p/c.json', root: '/p', concurrency: null };
      for (const event of [planEvent(j, base), planEvent(j, base, buildGraph(j))]) {
        assert.deepEqual(event.stages, plan.stages, `seed ${seed}`);
        assert.deepEqual(
          event.tasks.map((t) => t.stage),
          j.tasks.map((t) => plan.stageOf[t.id] ?? 0),
          `seed ${seed}`,
        );
      }
    }
  });
});

describe('record lines', () => {
  const json = (event: unknown) => JSON.stringify(event) + '\n';

  test('lines of interleaved runs, times, statuses and attempts are the characters JSON.stringify writes', () => {
    const r = random(7);
    const runIds = ['20261203-105000-abcd', 'other "run"', 'x'];
    const statuses = ['succeeded', 'failed', 'succeeded', 'weird "status"'];
    const numbers = [1, 2, 0, -0, NaN, Infinity, 1764759000123, 1764759000123, 0.1 + 0.2];
    const pick = <T>(list: T[]) => list[Math.floor(r() * list.length)];
    for (let i = 0; i < 2000; i++) {
      const base = { runId: pick(runIds), seq: i, time: pick(numbers), task: `T${i % 7}` };
      const event = (
        r() < 0.5
          ? { type: 'task-started', ...base, attempt: pick(numbers) }
          : {
              type: 'task-finished',
              ...base,
              status: pick(statuses),
              attempts: pick(numbers),
              durationMs: r() * 10,
              ...(r() < 0.5 ? { result: pick(numbers) } : {}),
            }
      ) as RunEvent;
      assert.equal(serialise(event), json(event), JSON.stringify(event));
    }
  });

  test('a runs folder removed between two runs is made again', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-record-'));
    try {
      const event: RunEvent = { type: 'run-log', runId: 'run1', time: 1, seq: 1, message: 'hello' };
      const first = new RunRecorder(root, 'run1');
      first.write(event);
      first.close();
      fs.rmSync(path.dirname(first.file), { recursive: true });
      const second = new RunRecorder(root, 'run2');
      second.write({ ...event, runId: 'run2' });
      second.close();
      assert.equal(fs.readFileSync(second.file, 'utf8'), json({ ...event, runId: 'run2' }));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a line of megabytes is written whole, in its place among the others', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-record-'));
    try {
      const recorder = new RunRecorder(root, 'run1');
      const base = { runId: 'run1', time: 1 };
      const events: RunEvent[] = [
        { type: 'run-log', ...base, seq: 1, message: 'before' },
        { type: 'run-log', ...base, seq: 2, message: 'é'.repeat(100_000) },
        { type: 'task-started', ...base, seq: 3, task: 'T1', attempt: 1 },
        { type: 'run-log', ...base, seq: 4, message: 'x'.repeat(70_000) },
        { type: 'task-finished', ...base, seq: 5, task: 'T1', status: 'succeeded', attempts: 1, durationMs: 0.5, result: 1 },
      ];
      for (const event of events) recorder.write(event);
      recorder.close();
      assert.equal(fs.readFileSync(recorder.file, 'utf8'), events.map(json).join(''));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
