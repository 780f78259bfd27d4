import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../engine/analysis/analyze';
import { planJob } from '../../engine/analysis/plan';
import type { JobModel } from '../../engine/config/types';
import { CONFIG, project } from '../helpers/fixture';

/** The model of one job whose tasks are given as `name: [dependencies]`. */
function jobOf(tasks: [string, string[]][], extra: Record<string, object>[] = []): JobModel {
  const text = JSON.stringify({
    jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks: [...tasks.map(([name, dependencies]) => ({ name, dependencies })), ...extra] }],
  });
  const analysis = analyzeConfig(text, { file: CONFIG, files: project() });
  return analysis.model!.jobs[0];
}

const stagesOf = (job: JobModel) => planJob(job).stages.map((s) => s.tasks);

describe('planJob', () => {
  test('the seed’s sample: Task1 and Task3 first, then Task2, then Task4', () => {
    const plan = planJob(
      jobOf([
        ['Task1', []],
        ['Task2', ['Task1']],
        ['Task3', []],
        ['Task4', ['Task2', 'Task3']],
      ]),
    );
    assert.equal(plan.job, 'job1');
    assert.deepEqual(plan.stages, [
      { index: 1, tasks: ['Task1', 'Task3'], after: [] },
      { index: 2, tasks: ['Task2'], after: ['Task1'] },
      { index: 3, tasks: ['Task4'], after: ['Task2', 'Task3'] },
    ]);
    assert.deepEqual({ ...plan.stageOf }, { Task1: 1, Task2: 2, Task3: 1, Task4: 3 });
    assert.deepEqual(plan.unreachable, []);
  });

  test('a stage is one past the latest dependency (longest path), not the earliest', () => {
    assert.deepEqual(
      stagesOf(
        jobOf([
          ['A', []],
          ['B', ['A']],
          ['C', ['B']],
          ['D', ['A', 'C']],
        ]),
      ),
      [['A'], ['B'], ['C'], ['D']],
    );
  });

  test('tasks keep their config order within a stage; dependencies may come later in the file', () => {
    assert.deepEqual(
      stagesOf(
        jobOf([
          ['Z', ['Y']],
          ['Y', []],
          ['X', []],
        ]),
      ),
      [['Y', 'X'], ['Z']],
    );
  });

  test('tasks in or behind a cycle or a self-dependency are unreachable; the rest is planned', () => {
    const plan = planJob(
      jobOf([
        ['Ok', []],
        ['A', ['B']],
        ['B', ['A']],
        ['Behind', ['Ok', 'A']],
        ['Self', ['Self']],
        ['AfterSelf', ['Self']],
        ['Fine', ['Ok']],
      ]),
    );
    assert.deepEqual(
      plan.stages.map((s) => s.tasks),
      [['Ok'], ['Fine']],
    );
    assert.deepEqual(plan.unreachable, ['A', 'B', 'Behind', 'Self', 'AfterSelf']);
    assert.equal(plan.stageOf.A, undefined);
  });

  test('repeated and unknown dependencies do not disturb the plan', () => {
    const plan = planJob(
      jobOf([
        ['A', []],
        ['B', ['A', 'A', 'Ghost']],
      ]),
    );
    assert.deepEqual(
      plan.stages.map((s) => [s.tasks, s.after]),
      [
        [['A'], []],
        [['B'], ['A']],
      ],
    );
  });

  test('a duplicated id is planned once, as its first entry', () => {
    const plan = planJob(
      jobOf([
        ['A', []],
        ['B', []],
        ['A', ['B']],
      ]),
    );
    assert.deepEqual(
      plan.stages.map((s) => s.tasks),
      [['A', 'B']],
    );
  });

  test('an empty job has no stages', () => {
    const plan = planJob(jobOf([]));
    assert.deepEqual({ ...plan, stageOf: { ...plan.stageOf } }, { job: 'job1', stages: [], stageOf: {}, unreachable: [] });
    // stageOf has no prototype, so task names like "constructor" cannot collide with one.
    assert.equal(Object.getPrototypeOf(plan.stageOf), null);
    assert.equal(plan.stageOf.constructor, undefined);
  });

  test('a 10,000-task chain plans into 10,000 stages without recursion', () => {
    const n = 10_000;
    const tasks: [string, string[]][] = Array.from({ length: n }, (_, i) => [`T${i}`, i === 0 ? [] : [`T${i - 1}`]]);
    const plan = planJob(jobOf(tasks));
    assert.equal(plan.stages.length, n);
    assert.equal(plan.stageOf[`T${n - 1}`], n);
    assert.deepEqual(plan.stages[n - 1].after, [`T${n - 2}`]);
  });
});
