import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveConcurrency, plannedTaskDescription, runItemId, stageDescription } from '../../client/tree-items';

describe("a stage's description in the jobs view", () => {
  it('says the tasks run in parallel only when as many may run at once', () => {
    assert.equal(stageDescription(3, undefined), '3 tasks in parallel');
    assert.equal(stageDescription(3, null), '3 tasks in parallel', "a run's plan without a limit");
    assert.equal(stageDescription(3, 3), '3 tasks in parallel');
    assert.equal(stageDescription(3, 8), '3 tasks in parallel');
  });

  it('says how many run at once when the limit is lower (the sample fan-out: maxConcurrency 2)', () => {
    assert.equal(stageDescription(3, 2), '3 tasks, 2 at a time');
    assert.equal(stageDescription(10_000, 16), '10000 tasks, 16 at a time');
    assert.equal(stageDescription(3, 1), '3 tasks, one at a time');
  });

  it('says 1 task whatever the limit', () => {
    assert.equal(stageDescription(1, undefined), '1 task');
    assert.equal(stageDescription(1, 1), '1 task');
  });
});

describe("a job's concurrency", () => {
  it("is the job's maxConcurrency, else the defaultConcurrency setting, else unlimited", () => {
    assert.equal(effectiveConcurrency(2, 8), 2);
    assert.equal(effectiveConcurrency(undefined, 8), 8);
    assert.equal(effectiveConcurrency(undefined, undefined), undefined);
  });
});

describe('a task before any run', () => {
  it('says what it waits for, cut when long', () => {
    assert.equal(plannedTaskDescription([]), '');
    assert.equal(plannedTaskDescription(['Task2', 'Task3']), 'after Task2, Task3');
    assert.equal(plannedTaskDescription(['A', 'B', 'C', 'D', 'E', 'F', 'G']), 'after A, B, C, D, E and 2 more');
  });
});

describe("a run's item id", () => {
  it('changes when the run is no longer the newest, so that the view folds it', () => {
    assert.equal(runItemId('20250101-abc', true), 'run:20250101-abc');
    assert.notEqual(runItemId('20250101-abc', false), runItemId('20250101-abc', true));
  });
});
