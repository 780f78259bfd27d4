import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestName, editDistance } from '../../engine/analysis/similar';
import { analyzeMarked, assertProblems, defaultProject, job } from '../helpers/fixture';

const files = defaultProject(['Task1', 'Task2', 'Task3', 'FetchUrl']);

describe('unknown-dependency', () => {
  test('a typo: on the dependency string, with "did you mean" and the suggestion as data', () => {
    const { analysis, ranges } = analyzeMarked(job('        { "name": "FetchUrl" },\n        { "name": "Task1", "dependencies": [⟦"FetchUlr"⟧] }'), files);
    assertProblems(analysis.problems, ranges, ['unknown-dependency']);
    const [p] = analysis.problems;
    assert.equal(p.severity, 'error');
    assert.equal(p.message, 'Unknown dependency "FetchUlr": job "job1" has no task with that name; did you mean "FetchUrl"?');
    assert.deepEqual(p.data, { job: 'job1', task: 'Task1', dependency: 'FetchUlr', suggestion: 'FetchUrl' });
  });

  test('transposed letters in a short name are suggested', () => {
    const { analysis, ranges } = analyzeMarked(job('        { "name": "Task1" },\n        { "name": "Task2", "dependencies": [⟦"Tsak1"⟧] }'), files);
    assertProblems(analysis.problems, ranges, ['unknown-dependency']);
    assert.equal(analysis.problems[0].data?.suggestion, 'Task1');
  });

  test('a name that differs only in case is suggested', () => {
    const { analysis, ranges } = analyzeMarked(job('        { "name": "Task1" },\n        { "name": "Task2", "dependencies": [⟦"task1"⟧] }'), files);
    assertProblems(analysis.problems, ranges, ['unknown-dependency']);
    assert.equal(analysis.problems[0].data?.suggestion, 'Task1');
  });

  test('a name close to nothing: no suggestion', () => {
    const { analysis, ranges } = analyzeMarked(job('        { "name": "Task1" },\n        { "name": "Task2", "dependencies": [⟦"Download"⟧] }'), files);
    assertProblems(analysis.problems, ranges, ['unknown-dependency']);
    assert.doesNotMatch(analysis.problems[0].message, /did you mean/);
    assert.equal(analysis.problems[0].data?.suggestion, undefined);
  });

  test('a task of another job is unknown here', () => {
    const { analysis, ranges } = analyzeMarked(
      '{"jobs": [{"name": "a", "handler": "GenericJobHandler", "tasks": [{"name": "Task1"}]}, {"name": "b", "handler": "GenericJobHandler", "tasks": [{"name": "Task2", "dependencies": [⟦"Task1"⟧]}]}]}',
      files,
    );
    assertProblems(analysis.problems, ranges, ['unknown-dependency']);
    assert.match(analysis.problems[0].message, /job "b" has no task/);
  });

  test('each unknown entry gets its own error, known ones none', () => {
    const { analysis, ranges } = analyzeMarked(
      job('        { "name": "Task1" },\n        { "name": "Task2", "dependencies": [⟦"X"⟧, "Task1", ⟦"Y"⟧, ⟦"X"⟧] }'),
      files,
    );
    assertProblems(analysis.problems, ranges, ['unknown-dependency', 'unknown-dependency', 'unknown-dependency']);
  });

  test('a dependency on a task that uses another class is by its name, not its class', () => {
    const { analysis, ranges } = analyzeMarked(
      job('        { "name": "Fetch1", "task": "FetchUrl" },\n        { "name": "Task1", "dependencies": ["Fetch1", ⟦"FetchUrl"⟧] }'),
      files,
    );
    assertProblems(analysis.problems, ranges, ['unknown-dependency']);
  });
});

describe('self-dependency', () => {
  test('on the entry naming the task itself', () => {
    const { analysis, ranges } = analyzeMarked(job('        { "name": "Task1" },\n        { "name": "Task2", "dependencies": ["Task1", ⟦"Task2"⟧] }'), files);
    assertProblems(analysis.problems, ranges, ['self-dependency']);
    const [p] = analysis.problems;
    assert.equal(p.severity, 'error');
    assert.equal(p.message, 'Task "Task2" depends on itself, so it can never start');
    assert.deepEqual(p.data, { job: 'job1', task: 'Task2', dependency: 'Task2' });
  });

  test('is not also reported as an unknown dependency or a cycle', () => {
    const { analysis } = analyzeMarked(job('        { "name": "Task1", "dependencies": ["Task1"] }'), files);
    assert.deepEqual(
      analysis.problems.map((p) => p.code),
      ['self-dependency'],
    );
  });

  test('the id counts, not the class: `task` equal to a dependency is fine', () => {
    const { analysis } = analyzeMarked(job('        { "name": "Task1" },\n        { "name": "Again", "task": "Task1", "dependencies": ["Task1"] }'), files);
    assert.deepEqual(analysis.problems, []);
  });
});

describe('similar names', () => {
  test('edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting', 5), 3);
    assert.equal(editDistance('a', 'a', 0), 0);
    // Stops early: anything past the bound is bound + 1.
    assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3);
    assert.equal(editDistance('a', 'abcdef', 2), 3);
    // An adjacent transposition is one edit.
    assert.equal(editDistance('Taks2', 'Task2', 3), 1);
    assert.equal(editDistance('ab', 'ba', 3), 1);
    assert.equal(editDistance('abc', 'ca', 3), 3);
  });

  test('closest name: the nearest within a third of the length, never the name itself', () => {
    assert.equal(closestName('Task1', ['Task1', 'Tsk1', 'Other']), 'Tsk1');
    assert.equal(closestName('Taks2', ['Task2', 'Task22']), 'Task2');
    assert.equal(closestName('abc', ['xyz']), undefined);
    assert.equal(closestName('FETCH', ['fetch', 'fetc']), 'fetch');
  });
});
