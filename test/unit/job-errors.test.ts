import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../engine/analysis/analyze';
import { isFileError, jobErrors } from '../../engine/analysis/job-errors';
import { CONFIG, defaultProject } from '../helpers/fixture';

const files = defaultProject(['Task1', 'Task2']);
const analyze = (config: unknown) => analyzeConfig(typeof config === 'string' ? config : JSON.stringify(config, null, 2), { file: CONFIG, files });

const good = { name: 'good', handler: 'GenericJobHandler', tasks: [{ name: 'Task1' }, { name: 'Task2', dependencies: ['Task1'] }] };
const codesOf = (problems: { code: string }[]) => problems.map((p) => p.code);

describe('which errors stop which job', () => {
  test('errors inside another job, of every kind, do not stop a job', () => {
    const broken = {
      name: 'broken',
      handler: 'nowhere.Handler',
      maxConcurrency: 0,
      tasks: [{ name: 'Task1', dependencies: ['Task1', 'Nope'] }, { name: 'Task9' }, { name: 'Task1' }, { name: 'bad-id' }],
    };
    const analysis = analyze({ jobs: [good, broken, { ...good, name: 'alsoGood' }] });
    assert.deepEqual(jobErrors(analysis, 'good'), []);
    assert.deepEqual(jobErrors(analysis, 'alsoGood'), []);
    const errors = jobErrors(analysis, 'broken');
    assert.deepEqual(codesOf(errors).sort(), [
      'duplicate-task',
      'missing-handler',
      'missing-task',
      'missing-task',
      'schema',
      'schema',
      'self-dependency',
      'unknown-dependency',
    ]);
    // The schema's and the invalid module name's errors are named after the job by their place.
    assert.ok(errors.every((p) => p.data?.job === 'broken' && !isFileError(p)));
  });

  test('a cycle in another job does not stop a job; a warning never stops anything', () => {
    const cyclic = {
      name: 'cyclic',
      handler: 'GenericJobHandler',
      tasks: [
        { name: 'Task1', dependencies: ['Task2'] },
        { name: 'Task2', dependencies: ['Task1'] },
      ],
    };
    const analysis = analyze({ jobs: [good, cyclic] });
    assert.deepEqual(jobErrors(analysis, 'good'), []);
    assert.deepEqual(codesOf(jobErrors(analysis, 'cyclic')), ['cycle', 'cycle']);
    const warned = analyze('{ "jobs": [], "jobs": [' + JSON.stringify(good) + '] }');
    assert.deepEqual(codesOf(warned.problems), ['syntax']);
    assert.deepEqual(jobErrors(warned, 'good'), [], 'a duplicate key is a warning');
  });

  test('errors at the top level of the schema stop every job', () => {
    const analysis = analyze({ jobs: [good], taskDir: '', extra: 1 });
    assert.deepEqual(codesOf(jobErrors(analysis, 'good')), ['schema', 'schema']);
    assert.ok(jobErrors(analysis, 'good').every(isFileError));
  });

  test('a file that is not JSON stops every job, whatever job is named', () => {
    const analysis = analyze('{ "jobs": [ { "name": "good", ');
    assert.equal(analysis.model, undefined);
    assert.deepEqual(codesOf(jobErrors(analysis, 'good')), ['syntax']);
    assert.deepEqual(codesOf(jobErrors(analysis, 'nope')), ['syntax']);
  });

  test('an entry of jobs without a name belongs to no job: its errors stop them all', () => {
    const analysis = analyze({ jobs: [good, { handler: 'GenericJobHandler', tasks: [] }] });
    assert.deepEqual(codesOf(jobErrors(analysis, 'good')), ['schema']);
  });

  test('two jobs of one name share their errors: running that name is refused', () => {
    const analysis = analyze({ jobs: [good, { ...good }, { ...good, name: 'other' }] });
    assert.deepEqual(codesOf(jobErrors(analysis, 'good')), ['duplicate-job']);
    assert.deepEqual(jobErrors(analysis, 'other'), []);
  });

  test('the checks that name their job keep their own data', () => {
    const analysis = analyze({ jobs: [{ ...good, tasks: [{ name: 'Task1', dependencies: ['Tsk2'] }, { name: 'Task2' }] }] });
    const [unknown] = jobErrors(analysis, 'good');
    assert.deepEqual(unknown.data, { job: 'good', task: 'Task1', dependency: 'Tsk2', suggestion: 'Task2' });
  });
});
