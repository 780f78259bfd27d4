import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configSchema } from '../../engine/analysis/schema';
import { analyzeMarked, assertProblems, defaultProject } from '../helpers/fixture';

const files = defaultProject(['Task1', 'Task2']);

/** One job with the given text spliced into the job object and the given tasks. */
const config = (jobExtra: string, tasks = '{ "name": "Task1" }') =>
  `{\n  "jobs": [\n    {\n      "name": "job1",\n      "handler": "job1_handler.Job1Handler",${jobExtra}\n      "tasks": [${tasks}]\n    }\n  ]\n}`;

describe('schema', () => {
  test('a config without "jobs": on the opening brace of the object', () => {
    const { analysis, ranges } = analyzeMarked('⟦{⟧ "root": "." }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /needs a "jobs" property/);
  });

  test('"jobs" of the wrong type: on its key, not the whole value', () => {
    const { analysis, ranges } = analyzeMarked('{ ⟦"jobs"⟧: { "job1": {} } }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /"jobs" must be an array/);
  });

  test('an unknown top-level property: on its key, with a "did you mean"', () => {
    const { analysis, ranges } = analyzeMarked('{ "jobs": [], ⟦"taskdir"⟧: "src" }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /Unknown property "taskdir"; did you mean "taskDir"\?/);
  });

  test('an unknown property far from any known one lists the known ones', () => {
    const { analysis, ranges } = analyzeMarked('{ "jobs": [], ⟦"zzz"⟧: 1 }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /known properties: "\$schema", "root", "taskDir", "handlerDir", "jobs"/);
  });

  test('a job without a name: on the job’s opening brace', () => {
    const { analysis, ranges } = analyzeMarked('{ "jobs": [ ⟦{⟧ "handler": "GenericJobHandler", "tasks": [] } ] }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /A job needs a "name" property/);
  });

  test('a job name that breaks the pattern: on the name, with the rule in words', () => {
    const { analysis, ranges } = analyzeMarked('{ "jobs": [ { "name": ⟦"1st job"⟧, "handler": "GenericJobHandler", "tasks": [] } ] }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /Job name "1st job" must start with a letter/);
  });

  test('a handler that is not `module.Class`: on the handler string', () => {
    const { analysis, ranges } = analyzeMarked('{ "jobs": [ { "name": "j", "handler": ⟦"Job1Handler"⟧, "tasks": [] } ] }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /Handler "Job1Handler" must be `GenericJobHandler` or `module.Class`/);
  });

  test('a handler of the wrong type: on the value', () => {
    const { analysis, ranges } = analyzeMarked('{ "jobs": [ { "name": "j", "handler": ⟦42⟧, "tasks": [] } ] }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /Handler must be a string/);
  });

  test('maxConcurrency below 1 and not an integer', () => {
    let r = analyzeMarked(config('\n      "maxConcurrency": ⟦0⟧,'), files);
    assertProblems(r.analysis.problems, r.ranges, ['schema']);
    assert.match(r.analysis.problems[0].message, /"maxConcurrency" must be at least 1/);
    r = analyzeMarked(config('\n      "maxConcurrency": ⟦2.5⟧,'), files);
    assertProblems(r.analysis.problems, r.ranges, ['schema']);
    assert.match(r.analysis.problems[0].message, /must be an integer/);
  });

  test('onFailure outside the enum, with a "did you mean" for a typo', () => {
    const { analysis, ranges } = analyzeMarked(config('\n      "onFailure": ⟦"contineu"⟧,'), files);
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /must be one of "continue", "stop"; did you mean "continue"\?/);
  });

  test('a task that is not an object: on the element', () => {
    const { analysis, ranges } = analyzeMarked(config('', '⟦"Task1"⟧'), files);
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /A task must be an object/);
  });

  test('a task without a name: on its opening brace', () => {
    const { analysis, ranges } = analyzeMarked(config('', '⟦{⟧ "params": {} }'), files);
    assertProblems(analysis.problems, ranges, ['schema']);
  });

  test('a task property typo: on the key, with a "did you mean"', () => {
    const { analysis, ranges } = analyzeMarked(config('', '{ "name": "Task1", ⟦"dependecies"⟧: [] }'), files);
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /did you mean "dependencies"\?/);
  });

  test('task numbers out of range and of the wrong type', () => {
    const { analysis, ranges } = analyzeMarked(config('', '{ "name": "Task1", "timeout": ⟦0⟧, "retries": ⟦-1⟧, "retryDelay": ⟦"1s"⟧, ⟦"params"⟧: [] }'), files);
    assertProblems(analysis.problems, ranges, ['schema', 'schema', 'schema', 'schema']);
    assert.deepEqual(
      analysis.problems.map((p) => p.message),
      ['"timeout" must be greater than 0', '"retries" must be at least 0', '"retryDelay" must be a number', '"params" must be an object'],
    );
  });

  test('dependencies that are not an array, and a dependency that is not a string', () => {
    let r = analyzeMarked(config('', '{ "name": "Task2" }, { "name": "Task1", "dependencies": ⟦"Task2"⟧ }'), files);
    assertProblems(r.analysis.problems, r.ranges, ['schema']);
    assert.match(r.analysis.problems[0].message, /"dependencies" must be an array/);
    r = analyzeMarked(config('', '{ "name": "Task1", "dependencies": [⟦7⟧] }'), files);
    assertProblems(r.analysis.problems, r.ranges, ['schema']);
    assert.match(r.analysis.problems[0].message, /Dependency must be a string/);
  });

  test('an empty "root": on the value', () => {
    const { analysis, ranges } = analyzeMarked('{ "jobs": [], "root": ⟦""⟧ }');
    assertProblems(analysis.problems, ranges, ['schema']);
    assert.match(analysis.problems[0].message, /"root" must not be empty/);
  });

  test('every error of a config is reported, not just the first', () => {
    const { analysis } = analyzeMarked('{ "jobs": [ { "name": "-", "handler": 1, "tasks": {} } ], "x": 1 }');
    assert.equal(analysis.problems.filter((p) => p.code === 'schema').length, 4);
  });

  test('the schema describes every property (for hover and completion)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      if (n.properties) {
        for (const [key, child] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (typeof child.description !== 'string' || child.description === '') missing.push(`${where}.${key}`);
          walk(child, `${where}.${key}`);
        }
      }
      if (n.items) walk(n.items, `${where}[]`);
      if (n.definitions) for (const [key, child] of Object.entries(n.definitions)) walk(child, `#${key}`);
    };
    walk(configSchema, '$');
    assert.deepEqual(missing, []);
  });
});
