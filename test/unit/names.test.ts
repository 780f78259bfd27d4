import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planJob } from '../../engine/analysis/plan';
import { analyzeMarked, assertProblems, defaultProject, job, project } from '../helpers/fixture';

describe('duplicate-job', () => {
  test('the second job of a name: on its name, related to the first', () => {
    const { analysis, ranges } = analyzeMarked(
      '{\n  "jobs": [\n    { "name": ⟦"nightly"⟧, "handler": "GenericJobHandler", "tasks": [] },\n    { "name": "other", "handler": "GenericJobHandler", "tasks": [] },\n    { "name": ⟦"nightly"⟧, "handler": "GenericJobHandler", "tasks": [] }\n  ]\n}',
    );
    assertProblems(analysis.problems, [ranges[1]], ['duplicate-job']);
    const [p] = analysis.problems;
    assert.equal(p.severity, 'error');
    assert.match(p.message, /Job "nightly" is defined twice/);
    assert.deepEqual(
      p.related?.map((r) => r.range),
      [ranges[0]],
    );
    assert.deepEqual(p.data, { job: 'nightly' });
  });

  test('three jobs of one name: two errors, both pointing at the first', () => {
    const { analysis, ranges } = analyzeMarked(
      '{"jobs": [{"name": ⟦"a"⟧, "handler": "GenericJobHandler", "tasks": []}, {"name": ⟦"a"⟧, "handler": "GenericJobHandler", "tasks": []}, {"name": ⟦"a"⟧, "handler": "GenericJobHandler", "tasks": []}]}',
    );
    assertProblems(analysis.problems, ranges.slice(1), ['duplicate-job', 'duplicate-job']);
    for (const p of analysis.problems) assert.deepEqual(p.related?.[0].range, ranges[0]);
  });

  test('names differing in case are different jobs', () => {
    const { analysis } = analyzeMarked(
      '{"jobs": [{"name": "Job", "handler": "GenericJobHandler", "tasks": []}, {"name": "job", "handler": "GenericJobHandler", "tasks": []}]}',
    );
    assert.deepEqual(analysis.problems, []);
  });
});

describe('duplicate-task', () => {
  test('the second task of a name: on its name, related to the first, with the way out', () => {
    const { analysis, ranges } = analyzeMarked(
      job('        { "name": ⟦"Task1"⟧ },\n        { "name": "Task2" },\n        { "name": ⟦"Task1"⟧, "params": { "n": 2 } }'),
      defaultProject(['Task1', 'Task2']),
    );
    assertProblems(analysis.problems, [ranges[1]], ['duplicate-task']);
    const [p] = analysis.problems;
    assert.match(p.message, /Task "Task1" is defined twice in job "job1"; give one a different "name" \(and "task": "Task1" to reuse the class\)/);
    assert.deepEqual(
      p.related?.map((r) => r.range),
      [ranges[0]],
    );
    assert.deepEqual(p.data, { job: 'job1', task: 'Task1' });
  });

  test('the same task name in two jobs is fine', () => {
    const { analysis } = analyzeMarked(
      '{"jobs": [{"name": "a", "handler": "GenericJobHandler", "tasks": [{"name": "Task1"}]}, {"name": "b", "handler": "GenericJobHandler", "tasks": [{"name": "Task1"}]}]}',
      defaultProject(['Task1']),
    );
    assert.deepEqual(analysis.problems, []);
  });

  test('reusing a class under different names is fine', () => {
    const { analysis } = analyzeMarked(
      job('        { "name": "ShardA", "task": "Task1" },\n        { "name": "ShardB", "task": "Task1" }'),
      defaultProject(['Task1']),
    );
    assert.deepEqual(analysis.problems, []);
    assert.deepEqual(
      analysis.model?.jobs[0].tasks.map((t) => [t.id, t.className, t.module]),
      [
        ['ShardA', 'Task1', '/p/src/job/task/task1.ts'],
        ['ShardB', 'Task1', '/p/src/job/task/task1.ts'],
      ],
    );
  });
});

describe('names that are also Object.prototype members', () => {
  const files = project({
    handlers: ['job1_handler.Job1Handler'],
    files: {
      '/p/src/job/task/__proto__.ts': 'export class __proto__ {}\n',
      '/p/src/job/task/constructor.ts': 'export class constructor {}\n',
      '/p/src/job/task/tostring.ts': 'export class toString {}\n',
      '/p/src/job/task/hasownproperty.ts': 'export class hasOwnProperty {}\n',
    },
  });

  test('tasks named __proto__, constructor and toString resolve, depend and plan like any others', () => {
    const { analysis } = analyzeMarked(
      '{"jobs": [{"name": "constructor", "handler": "job1_handler.Job1Handler", "tasks": [\n' +
        '  {"name": "__proto__"},\n' +
        '  {"name": "constructor", "dependencies": ["__proto__"]},\n' +
        '  {"name": "toString", "dependencies": ["constructor", "__proto__"]},\n' +
        '  {"name": "hasOwnProperty", "dependencies": ["toString"]}\n' +
        ']}]}',
      files,
    );
    assert.deepEqual(analysis.problems, []);
    const [j] = analysis.model!.jobs;
    assert.equal(j.name, 'constructor');
    assert.deepEqual(
      j.tasks.map((t) => [t.id, t.dependencies, t.module]),
      [
        ['__proto__', [], '/p/src/job/task/__proto__.ts'],
        ['constructor', ['__proto__'], '/p/src/job/task/constructor.ts'],
        ['toString', ['constructor', '__proto__'], '/p/src/job/task/tostring.ts'],
        ['hasOwnProperty', ['toString'], '/p/src/job/task/hasownproperty.ts'],
      ],
    );
    const plan = planJob(j);
    assert.deepEqual(
      plan.stages.map((s) => s.tasks),
      [['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty']],
    );
    assert.equal(plan.stageOf['__proto__'], 1);
    assert.equal(plan.stageOf.constructor, 2);
    assert.equal(plan.stageOf.toString, 3);
    assert.equal(Object.keys(plan.stageOf).length, 4);
  });

  test('unknown dependencies named __proto__, constructor and valueOf are unknown', () => {
    const { analysis, ranges } = analyzeMarked(
      '{"jobs": [{"name": "j", "handler": "GenericJobHandler", "tasks": [{"name": "toString", "dependencies": [⟦"__proto__"⟧, ⟦"constructor"⟧, ⟦"valueOf"⟧]}]}]}',
      files,
    );
    assertProblems(analysis.problems, ranges, ['unknown-dependency', 'unknown-dependency', 'unknown-dependency']);
  });

  test('duplicates named __proto__ and constructor are duplicates', () => {
    const { analysis, ranges } = analyzeMarked(
      '{"jobs": [{"name": "constructor", "handler": "GenericJobHandler", "tasks": [{"name": "__proto__"}, {"name": ⟦"__proto__"⟧}]}, {"name": ⟦"constructor"⟧, "handler": "GenericJobHandler", "tasks": []}]}',
      files,
    );
    assertProblems(analysis.problems, ranges, ['duplicate-task', 'duplicate-job']);
  });

  test('a cycle and a self-dependency through __proto__ and constructor', () => {
    let r = analyzeMarked(
      '{"jobs": [{"name": "j", "handler": "GenericJobHandler", "tasks": [{"name": "__proto__", "dependencies": [⟦"constructor"⟧]}, {"name": "constructor", "dependencies": [⟦"__proto__"⟧]}]}]}',
      files,
    );
    assertProblems(r.analysis.problems, r.ranges, ['cycle', 'cycle']);
    assert.equal(r.analysis.problems[0].message, 'Dependency cycle: __proto__ → constructor → __proto__');
    r = analyzeMarked('{"jobs": [{"name": "j", "handler": "GenericJobHandler", "tasks": [{"name": "__proto__", "dependencies": [⟦"__proto__"⟧]}]}]}', files);
    assertProblems(r.analysis.problems, r.ranges, ['self-dependency']);
  });

  test('"__proto__" as a property key is an unknown property, reported on the key', () => {
    const { analysis, ranges } = analyzeMarked(
      '{"jobs": [{"name": "j", "handler": "GenericJobHandler", "tasks": [{"name": "toString", ⟦"__proto__"⟧: {"name": "x"}}]}], ⟦"constructor"⟧: 1}',
      files,
    );
    assertProblems(analysis.problems, ranges, ['schema', 'schema']);
    assert.match(analysis.problems[0].message, /Unknown property "__proto__"/);
    assert.match(analysis.problems[1].message, /Unknown property "constructor"/);
    // The model is built from JSON.parse's own property, not from a prototype.
    assert.equal(analysis.model?.jobs[0].tasks[0].id, 'toString');
  });

  test('"__proto__" inside params is kept as data', () => {
    const { analysis } = analyzeMarked(
      '{"jobs": [{"name": "j", "handler": "GenericJobHandler", "tasks": [{"name": "toString", "params": {"__proto__": {"polluted": true}}}]}]}',
      files,
    );
    assert.deepEqual(analysis.problems, []);
    const params = analysis.model!.jobs[0].tasks[0].params;
    assert.ok(Object.hasOwn(params, '__proto__'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
