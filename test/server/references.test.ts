import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findReferences } from '../../server/service';
import { at, config, textAt } from './helpers';

const marked = (cursorIn: string) =>
  config('{ "name": "Task1" }', '{ "name": "Task2", "dependencies": ["Task1"] }', '{ "name": "Task3", "dependencies": ["Task2", "Task1"] }').replace(
    cursorIn,
    cursorIn.replace('Task', 'Ta|sk'),
  );

describe('find references', () => {
  it('of a task: its entry and every dependency that names it, in document order', () => {
    const { doc, position } = at(marked('"name": "Task1"'));
    const refs = findReferences(doc, position, true);
    assert.deepEqual(
      refs.map((r) => [r.range.start.line, textAt(doc.text, r.range)]),
      [
        [6, '"Task1"'],
        [7, '"Task1"'],
        [8, '"Task1"'],
      ],
    );
  });

  it('from a dependency, with or without the declaration', () => {
    const { doc, position } = at(marked('["Task2", '));
    assert.deepEqual(
      findReferences(doc, position, true).map((r) => r.range.start.line),
      [7, 8],
    );
    assert.deepEqual(
      findReferences(doc, position, false).map((r) => r.range.start.line),
      [8],
    );
  });

  it("stays in the job: another job's task of the same name is not a reference", () => {
    const text =
      '{ "jobs": [\n { "name": "a", "tasks": [ { "name": "T|" }, { "name": "U", "dependencies": ["T"] } ] },\n { "name": "b", "tasks": [ { "name": "T" }, { "name": "U", "dependencies": ["T"] } ] }\n] }';
    const { doc, position } = at(text);
    assert.deepEqual(
      findReferences(doc, position, true).map((r) => r.range.start.line),
      [1, 1],
    );
  });

  it('finds nothing off a task id', () => {
    const { doc, position } = at(config('{ "name": "Task1", "params": { "x": "Ta|sk1" } }'));
    assert.deepEqual(findReferences(doc, position, true), []);
  });
});
