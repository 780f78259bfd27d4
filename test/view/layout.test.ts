import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DAGRE_MAX_TASKS, type GraphLayout, layoutGraph, type LayoutEngine, spaced, structureKey } from '../../engine/view/layout';
import type { ViewTask } from '../../engine/view/model';
import { layeredTasks } from './synthetic';

/** Every dependency's node ends left of its dependent's; a stage's nodes share a column and do not overlap. */
function assertWellLaidOut(tasks: readonly ViewTask[], layout: GraphLayout): void {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  tasks.forEach((task, i) => {
    for (const dep of task.dependencies) assert.ok(layout.x[index.get(dep)!] + layout.nodeWidth <= layout.x[i], `${dep} before ${task.id}`);
    assert.equal(layout.x[i], layout.columns[task.stage - 1], `${task.id} in its stage's column`);
    assert.ok(
      layout.x[i] >= 0 && layout.y[i] >= 0 && layout.x[i] + layout.nodeWidth <= layout.width && layout.y[i] + layout.nodeHeight <= layout.height,
      `${task.id} inside`,
    );
  });
  const byColumn = new Map<number, number[]>();
  tasks.forEach((_, i) => byColumn.set(layout.x[i], [...(byColumn.get(layout.x[i]) ?? []), layout.y[i]]));
  for (const ys of byColumn.values()) {
    ys.sort((a, b) => a - b);
    for (let k = 1; k < ys.length; k++) assert.ok(ys[k] - ys[k - 1] >= layout.nodeHeight, 'no overlap');
  }
  assert.equal(
    layout.edges.length,
    tasks.reduce((n, t) => n + t.dependencies.length, 0),
  );
}

describe('the layout', () => {
  for (const engine of ['dagre', 'layered'] satisfies LayoutEngine[]) {
    test(`${engine}: left to right, dependencies before dependents, a column per stage`, () => {
      for (const tasks of [layeredTasks(1), layeredTasks(12), layeredTasks(60, 3)]) assertWellLaidOut(tasks, layoutGraph(tasks, engine));
    });
  }

  test('dagre up to its limit, the layered layout past it; no tasks at all', () => {
    assert.equal(layoutGraph(layeredTasks(DAGRE_MAX_TASKS)).engine, 'dagre');
    const large = layeredTasks(DAGRE_MAX_TASKS + 1);
    assert.equal(layoutGraph(large).engine, 'layered');
    assertWellLaidOut(large, layoutGraph(large));
    assert.deepEqual(layoutGraph([]).x, []);
  });

  test('10,000 tasks are laid out in linear time (a generous bound)', () => {
    const tasks = layeredTasks(10_000);
    const started = performance.now();
    const layout = layoutGraph(tasks);
    assert.ok(performance.now() - started < 2_000, `${performance.now() - started} ms`);
    assertWellLaidOut(tasks, layout);
  });

  test('tasks that can never run (a cycle) get a column after the last', () => {
    const tasks: ViewTask[] = [
      { id: 'a', className: 'a', dependencies: [], stage: 1 },
      { id: 'b', className: 'b', dependencies: ['a'], stage: 2 },
      { id: 'c', className: 'c', dependencies: ['d'], stage: 0 },
      { id: 'd', className: 'd', dependencies: ['c'], stage: 0 },
    ];
    for (const engine of ['dagre', 'layered'] satisfies LayoutEngine[]) {
      const layout = layoutGraph(tasks, engine);
      assert.equal(layout.columns.length, 3, engine);
      assert.deepEqual([layout.x[2], layout.x[3]], [layout.columns[2], layout.columns[2]], engine);
      assert.ok(layout.x[2] > layout.x[1], engine);
      assert.equal(layout.edges.length, 3, engine);
    }
  });

  test('a chain is a straight line', () => {
    const chain: ViewTask[] = ['a', 'b', 'c'].map((id, i) => ({ id, className: id, dependencies: i ? [['a', 'b'][i - 1]] : [], stage: i + 1 }));
    const { y } = layoutGraph(chain, 'layered');
    assert.deepEqual(new Set(y).size, 1);
  });

  test('the key follows the structure only', () => {
    const tasks = layeredTasks(20);
    const key = structureKey(tasks);
    assert.equal(structureKey(structuredClone(tasks)), key);
    assert.equal(layoutGraph(tasks).key, key);
    const moved = structuredClone(tasks);
    moved[5].dependencies = moved[5].dependencies.slice(1);
    assert.notEqual(structureKey(moved), key);
    const renamed = structuredClone(tasks);
    renamed[0].className = 'Other';
    assert.equal(structureKey(renamed), key, 'a class is not structure');
  });

  test('spaced: as near the wanted places as order and spacing allow', () => {
    assert.deepEqual(spaced([0, 100, 200], 10), [0, 100, 200]);
    assert.deepEqual(spaced([0, 0, 0], 10), [-10, 0, 10]);
    assert.deepEqual(spaced([50, 0], 10), [20, 30]);
    assert.deepEqual(spaced([], 10), []);
  });
});
