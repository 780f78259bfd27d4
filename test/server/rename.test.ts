import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doRename, prepareRename } from '../../server/service';
import { analyzeConfig } from '../../engine/analysis/analyze';
import { applyEdits, at, CONFIG, CONFIG_URI, config, project, textAt } from './helpers';

const fixture = config(
  '{ "name": "Ta|sk1" }',
  '{ "name": "Task2", "dependencies": ["Task1"] }',
  '{ "name": "Task3", "task": "Task4", "dependencies": ["Task1", "Task2"] }',
);

const rename = (marked: string, newName: string) => {
  const { doc, position } = at(marked);
  const result = doRename(doc, position, newName);
  if ('error' in result) return { error: result.error };
  return { text: applyEdits(doc.text, result.edit.changes?.[CONFIG_URI] ?? []) };
};

describe('rename', () => {
  it('prepares on a task id with its range without quotes', () => {
    const { doc, position } = at(fixture);
    const prepared = prepareRename(doc, position);
    assert.ok(prepared);
    assert.equal(textAt(doc.text, prepared.range), 'Task1');
    assert.equal(prepared.placeholder, 'Task1');
    const off = at(config('{ "name": "Task1", "timeout": 3|0 }'));
    assert.equal(prepareRename(off.doc, off.position), null);
  });

  it('renames the id across the job and keeps the class with "task"', () => {
    const { text } = rename(fixture, 'Fetch');
    assert.ok(text);
    assert.match(text, /\{ "name": "Fetch", "task": "Task1" \}/);
    assert.match(text, /"name": "Task2", "dependencies": \["Fetch"\]/);
    assert.match(text, /"dependencies": \["Fetch", "Task2"\]/);
    assert.deepEqual(analyzeConfig(text, { file: CONFIG, files: project() }).problems, []);
  });

  it('adds no "task" when the entry has one; works from a dependency', () => {
    const { text } = rename(fixture.replace('Ta|sk1', 'Task1').replace('"Task3", "task"', '"Ta|sk3", "task"'), 'Last');
    assert.match(text ?? '', /\{ "name": "Last", "task": "Task4", "dependencies"/);
    const fromDependency = rename(fixture.replace('Ta|sk1', 'Task1').replace('["Task1", "Task2"]', '["Task1", "Tas|k2"]'), 'Second');
    assert.match(fromDependency.text ?? '', /\{ "name": "Second", "task": "Task2", "dependencies": \["Task1"\] \}/);
    assert.match(fromDependency.text ?? '', /\["Task1", "Second"\]/);
  });

  it('refuses a name that is not an id, or that the job already has', () => {
    assert.match(rename(fixture, 'not valid').error ?? '', /not a task id/);
    assert.match(rename(fixture, 'Task2').error ?? '', /already has a task "Task2"/);
  });
});
