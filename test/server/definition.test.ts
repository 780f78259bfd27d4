import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDefinition } from '../../server/service';
import { at, CONFIG_URI, config, project, pythonProject, textAt, tsTask } from './helpers';

const define = (marked: string, files = project()) => {
  const { doc, position } = at(marked, files);
  return { doc, locations: findDefinition(doc, position) };
};

describe('go to definition', () => {
  it('from a dependency to the entry of the task it names', () => {
    const { doc, locations } = define(config('{ "name": "Task1" }', '{ "name": "Task2", "dependencies": ["Tas|k1"] }'));
    assert.equal(locations.length, 1);
    assert.equal(locations[0].uri, CONFIG_URI);
    assert.equal(textAt(doc.text, locations[0].range), '"Task1"');
    assert.equal(locations[0].range.start.line, 6);
  });

  it('from a task name to its class in the module file', () => {
    const files = project(['Task1'], { 'src/job/task/task2.ts': '// a comment\n\nexport class Task2 extends BaseTask {}\n' });
    const { locations } = define(config('{ "name": "Task1" }', '{ "name": "Ta|sk2" }'), files);
    assert.deepEqual(locations, [
      { uri: 'file:///project/src/job/task/task2.ts', range: { start: { line: 2, character: 13 }, end: { line: 2, character: 18 } } },
    ]);
  });

  it('from "task" (and from a name that has one) to the class it names', () => {
    const fromTask = define(config('{ "name": "A", "task": "Tas|k3" }')).locations;
    const fromName = define(config('{ "name": "|A", "task": "Task3" }')).locations;
    assert.equal(fromTask[0]?.uri, 'file:///project/src/job/task/task3.ts');
    assert.deepEqual(fromName, fromTask);
  });

  it('from the handler to its class; a Python module too', () => {
    const marked = config('{ "name": "Task1" }').replace('"job1_handler.Job1Handler"', '"job1_handler.Job1|Handler"');
    assert.equal(define(marked).locations[0]?.uri, 'file:///project/src/joborchrestrator/handler/job1_handler.ts');
    const python = project(['Task1'], { 'src/job/task/task7.py': 'from .base_task import BaseTask\n\nclass Task7(BaseTask):\n    pass\n' });
    const [location] = define(config('{ "name": "Tas|k7" }'), python).locations;
    assert.equal(location?.uri, 'file:///project/src/job/task/task7.py');
    assert.deepEqual(location?.range.start, { line: 2, character: 6 });
  });

  it('in a Python project: from a task, its "task" and the handler to their classes in the .py modules', () => {
    const files = pythonProject(['Task1', 'Task2'], { 'src/job/task/task3.py': '# class Task3 is below\nclass Task3(\n    BaseTask,\n):\n    pass\n' });
    const marked = config('{ "name": "Tas|k1" }', '{ "name": "Other", "task": "Task2" }', '{ "name": "Task3" }');
    assert.deepEqual(define(marked, files).locations, [
      { uri: 'file:///project/src/job/task/task1.py', range: { start: { line: 3, character: 6 }, end: { line: 3, character: 11 } } },
    ]);
    assert.equal(
      define(marked.replace('"Tas|k1"', '"Task1"').replace('"task": "Task2"', '"task": "Ta|sk2"'), files).locations[0]?.uri,
      'file:///project/src/job/task/task2.py',
    );
    // The class, not the comment that names it first.
    assert.deepEqual(define(marked.replace('"Tas|k1"', '"Task1"').replace('"name": "Task3"', '"name": "Ta|sk3"'), files).locations[0]?.range.start, {
      line: 1,
      character: 6,
    });
    const handler = define(marked.replace('"Tas|k1"', '"Task1"').replace('"job1_handler.Job1Handler"', '"job1_handler.Job1|Handler"'), files).locations;
    assert.deepEqual(handler, [
      { uri: 'file:///project/src/joborchrestrator/handler/job1_handler.py', range: { start: { line: 5, character: 6 }, end: { line: 5, character: 17 } } },
    ]);
  });

  it('to the top of the module when it lacks the class; nowhere when there is no module', () => {
    const files = project([], { 'src/job/task/task1.ts': tsTask('Other') });
    assert.deepEqual(define(config('{ "name": "Ta|sk1" }'), files).locations[0]?.range.start, { line: 0, character: 0 });
    assert.deepEqual(define(config('{ "name": "Ta|sk9" }')).locations, []);
  });

  it('nowhere from an unknown dependency or a plain value', () => {
    assert.deepEqual(define(config('{ "name": "Task1", "dependencies": ["No|pe"] }')).locations, []);
    assert.deepEqual(define(config('{ "name": "Task1", "timeout": 3|0 }')).locations, []);
  });
});
