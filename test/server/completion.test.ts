import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompletionItem } from 'vscode-languageserver-types';
import { doComplete } from '../../server/service';
import { applyEdits, at, config, project, tsHandler } from './helpers';

const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const complete = (marked: string, files = project()) => {
  const { doc, position } = at(marked, files);
  return doComplete(doc, position).items;
};
/** The text after accepting a completion item. */
const accept = (marked: string, label: string) => {
  const { doc, position } = at(marked);
  const item = doComplete(doc, position).items.find((i) => i.label === label);
  assert.ok(item?.textEdit && 'range' in item.textEdit, `no item ${label}`);
  return applyEdits(doc.text, [item.textEdit]);
};

describe('completion', () => {
  it("offers the job's other tasks in dependencies: not itself, not those already listed", () => {
    const items = complete(config('{ "name": "Task1" }', '{ "name": "Task2" }', '{ "name": "Task3", "dependencies": ["Task1", "|"] }', '{ "name": "Task4" }'));
    assert.deepEqual(labels(items), ['Task2', 'Task4']);
  });

  it('works while the text does not parse (an open array, a trailing comma)', () => {
    const items = complete(config('{ "name": "Task1" }', '{ "name": "Task2" }', '{ "name": "Task3", "dependencies": ["Task1", |'));
    assert.deepEqual(labels(items), ['Task2']);
  });

  it('replaces the whole string under the cursor, quotes included', () => {
    const text = accept(config('{ "name": "Task1" }', '{ "name": "Task2", "dependencies": ["Ta|sk9"] }'), 'Task1');
    assert.match(text, /"dependencies": \["Task1"\] }/);
  });

  it('keeps the dependency being edited among the choices', () => {
    const items = complete(config('{ "name": "Task1" }', '{ "name": "Task2" }', '{ "name": "Task3", "dependencies": ["Task1", "Tas|k2"] }'));
    assert.deepEqual(labels(items), ['Task2']);
  });

  it('offers handler module.Class from the handler folder, sub-folders included, and the built-in handler', () => {
    const files = project(['Task1'], { 'src/joborchrestrator/handler/billing/nightly.ts': tsHandler('NightlyHandler') });
    const items = complete('{ "jobs": [ { "name": "j", "handler": "|", "tasks": [] } ] }', files);
    assert.deepEqual(labels(items).sort(), ['GenericJobHandler', 'billing.nightly.NightlyHandler', 'job1_handler.Job1Handler']);
  });

  it('offers task classes for "task" and, less the ids already used, for "name"', () => {
    assert.deepEqual(labels(complete(config('{ "name": "A", "task": "|" }'))).sort(), ['Task1', 'Task2', 'Task3', 'Task4']);
    assert.deepEqual(labels(complete(config('{ "name": "Task1" }', '{ "name": "Task3" }', '{ "name": "|" }'))).sort(), ['Task2', 'Task4']);
  });

  it('offers only classes the engine would find: a helper class in a task module is not a task class', () => {
    const files = project([], { 'src/job/task/fetchurl.ts': 'export class FetchUrl {}\nclass Helper {}\n' });
    assert.deepEqual(labels(complete(config('{ "name": "A", "task": "|" }'), files)), ['FetchUrl']);
  });

  it("offers the schema's keys that the object does not have yet, with their descriptions", () => {
    const items = complete(config('{ "name": "Task1", "dependencies": [], | }'));
    assert.deepEqual(labels(items), ['task', 'params', 'timeout', 'retries', 'retryDelay']);
    const timeout = items.find((i) => i.label === 'timeout');
    assert.match(JSON.stringify(timeout?.documentation), /Seconds an attempt may take/);
    assert.deepEqual(labels(complete('{ "jobs": [], | }')), ['$schema', 'root', 'taskDir', 'handlerDir']);
  });

  it('inserts a key with a value snippet, or only the key when a colon follows', () => {
    const item = complete('{ "jobs": [ { "name": "j", "handler": "GenericJobHandler", "tasks": [], | } ] }').find((i) => i.label === 'onFailure');
    assert.ok(item?.textEdit && 'newText' in item.textEdit);
    assert.equal(item.textEdit.newText, '"onFailure": "${1|continue,stop|}"');
    const keyOnly = complete('{ "jobs": [ { "name": "j", "tasks": [], "hand|": "x" } ] }').find((i) => i.label === 'handler');
    assert.ok(keyOnly?.textEdit && 'newText' in keyOnly.textEdit);
    assert.equal(keyOnly.textEdit.newText, '"handler"');
  });

  it('offers enum values with their descriptions', () => {
    const items = complete('{ "jobs": [ { "name": "j", "onFailure": "|" } ] }');
    assert.deepEqual(labels(items), ['continue', 'stop']);
    assert.match(String(items[1].documentation), /Nothing new starts/);
  });

  it('answers nothing, quickly, inside 100,000 nested brackets', () => {
    const deep = '['.repeat(100_000) + '|' + ']'.repeat(100_000);
    assert.deepEqual(complete(deep), []);
  });
});
