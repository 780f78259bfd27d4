import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doComplete } from '../../server/service';
import { at, config } from './helpers';

const complete = (marked: string) => {
  const { doc, position } = at(marked);
  return doComplete(doc, position).items.map((i) => ({ label: i.label, detail: i.detail, sortText: i.sortText }));
};

describe('completion of dependencies and cycles', () => {
  it('lists last, with the cycle, the tasks that already depend on this one, directly or not', () => {
    const items = complete(
      config(
        '{ "name": "Task1", "dependencies": ["Task2"] }',
        '{ "name": "Task2", "dependencies": ["Task3"] }',
        '{ "name": "Task3", "dependencies": ["|"] }',
        '{ "name": "Task4" }',
      ),
    );
    assert.deepEqual(items, [
      { label: 'Task4', detail: 'task of this job', sortText: '000000' },
      { label: 'Task1', detail: 'closes a cycle: Task3 → Task1 → Task2 → Task3', sortText: '000001' },
      { label: 'Task2', detail: 'closes a cycle: Task3 → Task2 → Task3', sortText: '000002' },
    ]);
  });

  it("does not take the task's own dependencies for a way back to it", () => {
    const items = complete(
      config(
        '{ "name": "Task1" }',
        '{ "name": "Task2", "dependencies": ["Task1"] }',
        '{ "name": "Task3", "dependencies": ["Task2", "|"] }',
        '{ "name": "Task4" }',
      ),
    );
    assert.deepEqual(
      items.map((i) => [i.label, i.detail]),
      [
        ['Task1', 'task of this job'],
        ['Task4', 'task of this job'],
      ],
    );
  });

  it('replacing a dependency: the cycle is judged without the one being replaced', () => {
    const items = complete(config('{ "name": "Task1", "dependencies": ["Task2"] }', '{ "name": "Task2", "dependencies": ["Tas|k1"] }', '{ "name": "Task3" }'));
    assert.deepEqual(
      items.map((i) => [i.label, i.detail]),
      [
        ['Task3', 'task of this job'],
        ['Task1', 'closes a cycle: Task2 → Task1 → Task2'],
      ],
    );
  });

  it('follows long chains through a job of 10,000 tasks in one walk, and shortens long cycles', () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) =>
      i === 0 ? '{ "name": "T0", "dependencies": ["|"] }' : `{ "name": "T${i}", "dependencies": ["T${i - 1}"] }`,
    );
    const { doc, position } = at(config(...tasks));
    const started = performance.now();
    const items = doComplete(doc, position).items;
    const elapsed = performance.now() - started;
    assert.equal(items.length, 9_999);
    assert.ok(items.every((i) => i.detail?.startsWith('closes a cycle: T0 → ')));
    assert.equal(items[0].detail, 'closes a cycle: T0 → T1 → T0');
    assert.equal(items[9_998].detail, 'closes a cycle: T0 → T9999 → T9998 → T9997 → T9996 → T9995 → … → T0');
    assert.ok(elapsed < 2_000, `${elapsed} ms`);
  });
});
