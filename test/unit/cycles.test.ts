import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../engine/analysis/analyze';
import type { Problem } from '../../engine/config/types';
import { analyzeMarked, assertProblems, CONFIG, marked, project, where } from '../helpers/fixture';

/** A project in which every class is found, so that only graph problems remain. */
function allTasks(names: string[]) {
  return project({ tasks: names, handlers: ['job1_handler.Job1Handler'] });
}

const tasksOf = (text: string) => [...text.matchAll(/"name": "(\w+)"/g)].map((m) => m[1]).filter((n) => n !== 'job1');

function analyze(source: string) {
  const { text } = marked(source);
  return analyzeMarked(source, allTasks(tasksOf(text)));
}

/**
 * Checks what every cycle error promises: its path starts with the edge it sits on, every step is a
 * real dependency, the path is simple and comes back to its start, and the message and data agree.
 */
function assertValidCycle(p: Problem, deps: Map<string, string[]>) {
  const path = p.data?.cycle;
  assert.ok(path && path.length >= 3, `cycle data in ${p.message}`);
  assert.equal(p.message, `Dependency cycle: ${path.join(' → ')}`);
  assert.equal(path[0], path[path.length - 1], 'comes back to its start');
  assert.equal(new Set(path.slice(0, -1)).size, path.length - 1, `a simple cycle: ${path.join(' → ')}`);
  for (let k = 0; k + 1 < path.length; k++) assert.ok(deps.get(path[k])?.includes(path[k + 1]), `${path[k]} depends on ${path[k + 1]}`);
  assert.equal(p.data?.task, path[0]);
  assert.equal(p.data?.dependency, path[1]);
}

describe('cycle', () => {
  test('a three-task cycle: one error on each entry, each message the whole path from its task', () => {
    const { analysis, ranges } = analyze(`{"jobs": [{"name": "job1", "handler": "job1_handler.Job1Handler", "tasks": [
      {"name": "Task1", "dependencies": [⟦"Task2"⟧]},
      {"name": "Task2", "dependencies": [⟦"Task3"⟧]},
      {"name": "Task3", "dependencies": [⟦"Task1"⟧]}
    ]}]}`);
    assertProblems(analysis.problems, ranges, ['cycle', 'cycle', 'cycle']);
    assert.deepEqual(
      analysis.problems.map((p) => [p.severity, p.message]),
      [
        ['error', 'Dependency cycle: Task1 → Task2 → Task3 → Task1'],
        ['error', 'Dependency cycle: Task2 → Task3 → Task1 → Task2'],
        ['error', 'Dependency cycle: Task3 → Task1 → Task2 → Task3'],
      ],
    );
    // Related information: the other entries of the cycle, in its order.
    assert.deepEqual(
      analysis.problems[0].related?.map((r) => [r.message, where({ range: r.range })]),
      [
        ['"Task2" depends on "Task3"', where({ range: ranges[1] })],
        ['"Task3" depends on "Task1"', where({ range: ranges[2] })],
      ],
    );
    assert.deepEqual(analysis.problems[0].data, { job: 'job1', task: 'Task1', dependency: 'Task2', cycle: ['Task1', 'Task2', 'Task3', 'Task1'] });
  });

  test('a two-task cycle', () => {
    const { analysis, ranges } = analyze(`{"jobs": [{"name": "job1", "handler": "job1_handler.Job1Handler", "tasks": [
      {"name": "A", "dependencies": [⟦"B"⟧]},
      {"name": "B", "dependencies": [⟦"A"⟧]}
    ]}]}`);
    assertProblems(analysis.problems, ranges, ['cycle', 'cycle']);
    assert.equal(analysis.problems[1].message, 'Dependency cycle: B → A → B');
    assert.equal(analysis.problems[1].related?.length, 1);
  });

  test('one component holding two cycles: an error on every edge inside it, and only there', () => {
    const { analysis, ranges, text } = analyze(`{"jobs": [{"name": "job1", "handler": "job1_handler.Job1Handler", "tasks": [
      {"name": "Start"},
      {"name": "A", "dependencies": ["Start", ⟦"B"⟧]},
      {"name": "B", "dependencies": [⟦"A"⟧, ⟦"C"⟧]},
      {"name": "C", "dependencies": [⟦"B"⟧, "Start"]}
    ]}]}`);
    assertProblems(analysis.problems, ranges, ['cycle', 'cycle', 'cycle', 'cycle']);
    const deps = depsOf(text);
    for (const p of analysis.problems) assertValidCycle(p, deps);
    assert.deepEqual(
      analysis.problems.map((p) => p.data?.cycle?.join(' ')),
      ['A B A', 'B A B', 'B C B', 'C B C'],
    );
  });

  test('every cycle of a job is found, and cycles in other jobs too', () => {
    const { analysis } = analyze(`{"jobs": [
      {"name": "job1", "handler": "job1_handler.Job1Handler", "tasks": [
        {"name": "A", "dependencies": ["B"]}, {"name": "B", "dependencies": ["A"]},
        {"name": "C", "dependencies": ["D"]}, {"name": "D", "dependencies": ["E"]}, {"name": "E", "dependencies": ["C"]},
        {"name": "Fine"}
      ]},
      {"name": "job2", "handler": "job1_handler.Job1Handler", "tasks": [
        {"name": "X", "dependencies": ["Y"]}, {"name": "Y", "dependencies": ["X"]}
      ]}
    ]}`);
    const cycles = analysis.problems.filter((p) => p.code === 'cycle');
    assert.equal(cycles.length, 7);
    assert.deepEqual(
      cycles.map((p) => `${p.data?.job}:${p.data?.task}`),
      ['job1:A', 'job1:B', 'job1:C', 'job1:D', 'job1:E', 'job2:X', 'job2:Y'],
    );
  });

  test('tasks that only wait on a cycle get a warning on the entry that leads there', () => {
    const { analysis, ranges } = analyze(`{"jobs": [{"name": "job1", "handler": "job1_handler.Job1Handler", "tasks": [
      {"name": "Ok"},
      {"name": "A", "dependencies": [⟦"B"⟧]},
      {"name": "B", "dependencies": [⟦"A"⟧]},
      {"name": "Direct", "dependencies": ["Ok", ⟦"A"⟧]},
      {"name": "Behind", "dependencies": [⟦"Direct"⟧]},
      {"name": "Healthy", "dependencies": ["Ok"]}
    ]}]}`);
    assertProblems(analysis.problems, ranges, ['cycle', 'cycle', 'cycle', 'cycle']);
    assert.deepEqual(
      analysis.problems.map((p) => [p.severity, p.message]),
      [
        ['error', 'Dependency cycle: A → B → A'],
        ['error', 'Dependency cycle: B → A → B'],
        ['warning', 'Task "Direct" can never run: it depends on "A", which is in a dependency cycle'],
        ['warning', 'Task "Behind" can never run: it depends on "Direct", which waits on a dependency cycle'],
      ],
    );
  });

  test('a task behind a self-dependent task gets a warning; the self-dependency is its own error', () => {
    const { analysis, ranges } = analyze(`{"jobs": [{"name": "job1", "handler": "job1_handler.Job1Handler", "tasks": [
      {"name": "Loop", "dependencies": [⟦"Loop"⟧]},
      {"name": "After", "dependencies": [⟦"Loop"⟧]}
    ]}]}`);
    assertProblems(analysis.problems, ranges, ['self-dependency', 'cycle']);
    assert.equal(analysis.problems[1].severity, 'warning');
  });

  test('an acyclic diamond has no cycle problems', () => {
    const { analysis } = analyze(`{"jobs": [{"name": "job1", "handler": "job1_handler.Job1Handler", "tasks": [
      {"name": "A"}, {"name": "B", "dependencies": ["A"]}, {"name": "C", "dependencies": ["A"]}, {"name": "D", "dependencies": ["B", "C", "A"]}
    ]}]}`);
    assert.deepEqual(analysis.problems, []);
  });

  test('a large component (past the exact-search limit): every edge gets a valid simple cycle', () => {
    // A ring of 300 tasks, each also depending on the task two ahead: 600 edges in one component.
    const n = 300;
    const name = (i: number) => `T${(i + n) % n}`;
    const tasks = Array.from({ length: n }, (_, i) => ({ name: name(i), dependencies: [name(i + 1), name(i + 2)] }));
    const text = JSON.stringify({ jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks }] }, null, 1);
    const analysis = analyzeConfig(text, { file: CONFIG, files: allTasks(tasks.map((t) => t.name)) });
    const deps = new Map(tasks.map((t) => [t.name, t.dependencies]));
    const cycles = analysis.problems.filter((p) => p.code === 'cycle');
    assert.equal(cycles.length, 2 * n);
    assert.ok(cycles.every((p) => p.severity === 'error'));
    for (const p of cycles) assertValidCycle(p, deps);
    // Each on its own entry.
    assert.equal(new Set(cycles.map((p) => where(p))).size, 2 * n);
  });

  test('a 10,000-task ring: every entry gets an error, spelled out paths stay within a bound', () => {
    // n entries times n names each would be 10^8 names: the analysis used to run out of memory.
    const n = 10_000;
    const tasks = Array.from({ length: n }, (_, i) => ({ name: `T${i}`, dependencies: [`T${(i + 1) % n}`] }));
    const text = JSON.stringify({ jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks }] });
    const analysis = analyzeConfig(text, { file: CONFIG, files: allTasks(tasks.map((t) => t.name)) });
    const cycles = analysis.problems.filter((p) => p.code === 'cycle');
    assert.equal(cycles.length, n);
    assert.ok(cycles.every((p) => p.severity === 'error'));
    const full = cycles.filter((p) => p.data?.cycle);
    const short = cycles.filter((p) => !p.data?.cycle);
    assert.ok(full.length > 0, 'some paths are spelled out');
    const deps = new Map(tasks.map((t) => [t.name, t.dependencies]));
    for (const p of full) {
      assert.equal(p.data!.cycle!.length, n + 1);
      assertValidCycle(p, deps);
      assert.ok(p.related!.length <= 50);
    }
    assert.ok(full.reduce((sum, p) => sum + p.data!.cycle!.length, 0) <= 1_000_000);
    for (const p of short) {
      const { task, dependency } = p.data!;
      assert.equal(p.message, `Dependency cycle: ${task} → ${dependency} → … → ${task} (${n} tasks wait on each other)`);
      assert.ok(deps.get(task!)!.includes(dependency!));
    }
  });
});

function depsOf(text: string): Map<string, string[]> {
  const value = JSON.parse(text) as { jobs: { tasks: { name: string; dependencies?: string[] }[] }[] };
  return new Map(value.jobs.flatMap((j) => j.tasks.map((t) => [t.name, t.dependencies ?? []] as [string, string[]])));
}
