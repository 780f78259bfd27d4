import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeMarked, assertProblems, defaultProject, job, withCode } from '../helpers/fixture';

describe('syntax', () => {
  test('a valid config has no problems', () => {
    const { analysis } = analyzeMarked(
      job('        { "name": "Task1" },\n        { "name": "Task2", "dependencies": ["Task1"] }'),
      defaultProject(['Task1', 'Task2']),
    );
    assert.deepEqual(analysis.problems, []);
    assert.equal(analysis.model?.jobs[0].tasks.length, 2);
  });

  test('a bare word is an error on the word itself', () => {
    const { analysis, ranges } = analyzeMarked('{"jobs": ⟦nope⟧}');
    assertProblems(analysis.problems, ranges, ['syntax']);
    assert.equal(analysis.model, undefined);
    assert.equal(analysis.value, undefined);
  });

  test('a bare word followed by a real second mistake: both are reported', () => {
    const { analysis, ranges } = analyzeMarked('{"jobs": [⟦nope⟧, ⟦]⟧}');
    assertProblems(analysis.problems, ranges, ['syntax', 'syntax']);
    assert.match(analysis.problems[1].message, /Expected a value/);
  });

  test('a trailing comma: the error is on what follows it', () => {
    const { analysis, ranges } = analyzeMarked('{"jobs": [],⟦}⟧');
    assertProblems(analysis.problems, ranges, ['syntax']);
    assert.match(analysis.problems[0].message, /property name/);
  });

  test('a comment is an error on the comment', () => {
    const { analysis, ranges } = analyzeMarked('{"jobs": [] ⟦// note⟧\n}');
    assertProblems(analysis.problems, ranges, ['syntax']);
    assert.match(analysis.problems[0].message, /Comments are not allowed/);
  });

  test('a missing comma between properties', () => {
    const { analysis, ranges } = analyzeMarked('{\n  "jobs": []\n  ⟦"root"⟧: "."\n}');
    assertProblems(analysis.problems, ranges, ['syntax']);
    assert.match(analysis.problems[0].message, /Expected ','/);
  });

  test('single quotes are refused', () => {
    const { analysis } = analyzeMarked("{'jobs': []}");
    assert.ok(analysis.problems.length > 0);
    assert.ok(analysis.problems.every((p) => p.code === 'syntax' && p.severity === 'error'));
    assert.deepEqual(analysis.problems[0].range.start, { line: 0, character: 1 });
  });

  test('a duplicate key is a warning on the second key, related to the first', () => {
    const { analysis, ranges } = analyzeMarked('{\n  ⟦"jobs"⟧: [],\n  ⟦"jobs"⟧: []\n}');
    assert.equal(analysis.problems.length, 1);
    const [p] = analysis.problems;
    assert.equal(p.code, 'syntax');
    assert.equal(p.severity, 'warning');
    assert.deepEqual(p.range, ranges[1]);
    assert.match(p.message, /Duplicate key "jobs"/);
    assert.deepEqual(
      p.related?.map((r) => r.range),
      [ranges[0]],
    );
  });

  test('with duplicate keys the last one counts, for the model and for ranges', () => {
    const { analysis, ranges } = analyzeMarked(
      job('        { "name": "Task1", "dependencies": ["Task0"], ⟦"dependencies"⟧: [⟦"Tusk1"⟧] },\n        { "name": "Task2" }'),
      defaultProject(['Task1', 'Task2']),
    );
    assertProblems(analysis.problems, ranges, ['syntax', 'unknown-dependency']);
    assert.deepEqual(analysis.model?.jobs[0].tasks[0].dependencies, ['Tusk1']);
  });

  test('the same key in different objects is no duplicate', () => {
    const { analysis } = analyzeMarked(job('        { "name": "Task1", "params": { "name": 1, "params": { "name": 2 } } }'), defaultProject(['Task1']));
    assert.deepEqual(analysis.problems, []);
  });

  test('a duplicate key spelled with an escape is still a duplicate', () => {
    const { analysis, ranges } = analyzeMarked('{"jobs": [], ⟦"\\u006Aobs"⟧: []}');
    assertProblems(analysis.problems, ranges, ['syntax']);
    assert.equal(analysis.problems[0].severity, 'warning');
  });

  test('ranges count UTF-16 code units, after astral characters on the same line', () => {
    const { analysis, ranges } = analyzeMarked(
      '{"jobs": [{"name": "j", "description": "😀 𝄞 ü", "handler": "GenericJobHandler", "tasks": [{"name": "Task1", "dependencies": [⟦"Nope"⟧]}]}]}',
      defaultProject(['Task1']),
    );
    assertProblems(analysis.problems, ranges, ['unknown-dependency']);
  });

  test('a string with escapes is underlined as written, quotes included', () => {
    const { analysis, ranges } = analyzeMarked(job('        { "name": "Task1", "dependencies": [⟦"Tas\\u006b9"⟧] }'), defaultProject(['Task1']));
    assertProblems(analysis.problems, ranges, ['unknown-dependency']);
    assert.match(analysis.problems[0].message, /"Task9"/);
  });

  test('CRLF line endings give the same lines and characters as LF', () => {
    const source = job('        { "name": "Task1", "dependencies": [⟦"Nope"⟧] }');
    const lf = analyzeMarked(source, defaultProject(['Task1']));
    const crlf = analyzeMarked(source.replace(/\n/g, '\r\n'), defaultProject(['Task1']));
    assertProblems(lf.analysis.problems, lf.ranges, ['unknown-dependency']);
    assertProblems(crlf.analysis.problems, crlf.ranges, ['unknown-dependency']);
    assert.deepEqual(crlf.analysis.problems[0].range, lf.analysis.problems[0].range);
  });

  test('problems are sorted by position', () => {
    const { analysis } = analyzeMarked(
      job('        { "name": "Zed", "dependencies": ["B"] },\n        { "name": "Task1", "dependencies": ["A"] },\n        { "name": "Task1" }'),
      defaultProject(['Task1']),
    );
    const starts = analysis.problems.map((p) => [p.range.start.line, p.range.start.character]);
    const sorted = [...starts].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    assert.deepEqual(starts, sorted);
    assert.ok(withCode(analysis.problems, 'missing-task').length === 1);
    assert.ok(withCode(analysis.problems, 'duplicate-task').length === 1);
    assert.ok(withCode(analysis.problems, 'unknown-dependency').length === 2);
  });
});
