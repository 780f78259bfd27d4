import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doHover } from '../../server/service';
import { at, config, project, pyTask, pythonProject, textAt } from './helpers';

const hoverText = (marked: string, files = project()) => {
  const { doc, position } = at(marked, files);
  const hover = doHover(doc, position);
  if (!hover) return undefined;
  assert.ok(typeof hover.contents === 'object' && 'value' in hover.contents);
  return { value: hover.contents.value, range: hover.range && textAt(doc.text, hover.range) };
};

const graph = (task1: string) => config(task1, '{ "name": "Task2", "dependencies": ["Task1"] }', '{ "name": "Task3", "dependencies": ["Task1", "Task2"] }');

describe('hover', () => {
  it('on a task: its module, class, dependencies, dependents and stage', () => {
    const hover = hoverText(config('{ "name": "Task1" }', '{ "name": "Ta|sk2", "dependencies": ["Task1"] }', '{ "name": "Task3", "dependencies": ["Task2"] }'));
    assert.ok(hover);
    assert.equal(hover.range, '"Task2"');
    assert.match(hover.value, /\*\*Task2\*\* · task of job `job1` · stage 2 of 3/);
    assert.match(hover.value, /Class `Task2` in `src\/job\/task\/task2\.ts`/);
    assert.match(hover.value, /Depends on: `Task1`/);
    assert.match(hover.value, /Needed by: `Task3`/);
  });

  it('on a dependency: the task it names', () => {
    const hover = hoverText(graph('{ "name": "Task1" }').replace('["Task1"]', '["Tas|k1"]'));
    assert.match(hover?.value ?? '', /\*\*Task1\*\* · task of job `job1` · stage 1 of 3/);
    assert.match(hover?.value ?? '', /Needed by: `Task2`, `Task3`/);
  });

  it('says when the module is missing, and when a task never runs', () => {
    const missing = hoverText(config('{ "name": "Tas|k9" }'));
    assert.match(missing?.value ?? '', /No module yet: expected `src\/job\/task\/task9\.ts`/);
    const cyclic = hoverText(config('{ "name": "Ta|sk1", "dependencies": ["Task2"] }', '{ "name": "Task2", "dependencies": ["Task1"] }'));
    assert.match(cyclic?.value ?? '', /never runs/);
  });

  it('on "task": the class it names; on the handler: its module', () => {
    assert.match(hoverText(config('{ "name": "A", "task": "Tas|k3" }'))?.value ?? '', /Class `Task3` in `src\/job\/task\/task3\.ts`/);
    const handler = hoverText(config('{ "name": "Task1" }').replace('"job1_handler.Job1Handler"', '"job1_handler.Job1|Handler"'));
    assert.match(handler?.value ?? '', /Class `Job1Handler` in `src\/joborchrestrator\/handler\/job1_handler\.ts`/);
  });

  it("on a Python task and handler: their modules, and a class' docstring under its class line", () => {
    const body = [
      '    """Fetches the orders of the day.',
      '',
      '    Returns them by id: {"o1": ...}.',
      '    """',
      '',
      '    async def execute(self, input_data=None):',
      '        return {}',
      '',
    ].join('\n');
    const files = pythonProject(['Task2'], { 'src/job/task/task1.py': pyTask('Task1', body) });
    const task = hoverText(config('{ "name": "Ta|sk1" }', '{ "name": "Task2", "dependencies": ["Task1"] }'), files);
    assert.match(task?.value ?? '', /\*\*Task1\*\* · task of job `job1` · stage 1 of 2/);
    assert.ok(
      task?.value.includes(
        'Class `Task1` in `src/job/task/task1.py`\n\nFetches the orders of the day\\.\n\nReturns them by id: \\{"o1": \\.\\.\\.\\}\\.\n\nDepends on: —',
      ),
      task?.value,
    );
    // No docstring: the class line alone, as for a module without one.
    assert.match(hoverText(config('{ "name": "Task1" }', '{ "name": "Ta|sk2" }'), files)?.value ?? '', /in `src\/job\/task\/task2\.py`\n\nDepends on/);
    const handler = hoverText(config('{ "name": "Task1" }').replace('"job1_handler.Job1Handler"', '"job1_handler.Job1|Handler"'), files);
    assert.match(handler?.value ?? '', /Class `Job1Handler` in `src\/joborchrestrator\/handler\/job1_handler\.py`/);
    assert.match(hoverText(config('{ "name": "Tas|k9" }'), files)?.value ?? '', /No module yet: expected `src\/job\/task\/task9\.py`/);
  });

  it('a one-line or single-quoted docstring, after a comment; none when the body starts with code', () => {
    const files = pythonProject([], {
      'src/job/task/task1.py': "class Task1(BaseTask):  # the first task\n    # what it does:\n    r'''Sums *all* the inputs.'''\n",
      'src/job/task/task2.py': 'class Task2(\n    BaseTask,\n): "Counts."\n',
      'src/job/task/task3.py': 'class Task3(BaseTask):\n    name = "not a docstring"\n',
    });
    assert.match(hoverText(config('{ "name": "Ta|sk1" }'), files)?.value ?? '', /task1\.py`\n\nSums \\\*all\\\* the inputs\\\.\n/);
    assert.match(hoverText(config('{ "name": "Ta|sk2" }'), files)?.value ?? '', /task2\.py`\n\nCounts\\\.\n/);
    assert.match(hoverText(config('{ "name": "Ta|sk3" }'), files)?.value ?? '', /task3\.py`\n\nDepends on/);
  });

  it("on a TypeScript task: its class' JSDoc comment, as for Python", () => {
    const files = project(['Task2'], {
      'src/job/task/task1.ts':
        "import { BaseTask } from 'fastasyncio';\n\n/**\n * Fetches the orders of the day.\n * @param input nothing\n */\nexport class Task1 extends BaseTask {}\n",
    });
    assert.match(hoverText(config('{ "name": "Ta|sk1" }'), files)?.value ?? '', /task1\.ts`\n\nFetches the orders of the day\.\n\nDepends on/);
  });

  it("on a key: the schema's description", () => {
    const hover = hoverText(config('{ "name": "Task1", "time|out": 5 }'));
    assert.equal(hover?.range, '"timeout"');
    assert.match(hover?.value ?? '', /Seconds an attempt may take/);
    assert.match(hoverText('{ "jo|bs": [] }')?.value ?? '', /The jobs this config defines/);
  });

  it('works on text that does not parse', () => {
    const hover = hoverText(config('{ "name": "Task1" }', '{ "name": "Task2", "dependencies": ["Ta|sk1"] }').replace(/\]\s*\}\s*\]\s*\}\s*$/, ''));
    assert.match(hover?.value ?? '', /\*\*Task1\*\*/);
  });

  it('says nothing elsewhere', () => {
    assert.equal(hoverText(config('{ "name": "Task1", "params": { "n": 4| } }')), undefined);
  });
});
