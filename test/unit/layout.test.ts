import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../engine/analysis/analyze';
import { resolveLayout } from '../../engine/config/layout';
import { memoryFiles } from '../../engine/files';
import { analyzeMarked, assertProblems } from '../helpers/fixture';

const none = memoryFiles({});

describe('layout', () => {
  test('the seed’s layout: a config in configs/ belongs to the project above it', () => {
    assert.deepEqual(resolveLayout('/p/configs/job_config.json', { jobs: [] }, none), {
      configFile: '/p/configs/job_config.json',
      root: '/p',
      taskDir: '/p/src/job/task',
      handlerDir: '/p/src/joborchrestrator/handler',
    });
  });

  test('a config anywhere else: its own folder is the root', () => {
    const layout = resolveLayout('/q/pipelines/etl.job.json', { jobs: [] }, none);
    assert.equal(layout.root, '/q/pipelines');
    assert.equal(layout.taskDir, '/q/pipelines/src/job/task');
  });

  test('root, taskDir and handlerDir are relative to the config file', () => {
    const layout = resolveLayout('/p/configs/job_config.json', { jobs: [], root: '../app', taskDir: '../lib/tasks', handlerDir: 'handlers' }, none);
    assert.deepEqual(layout, {
      configFile: '/p/configs/job_config.json',
      root: '/p/app',
      taskDir: '/p/lib/tasks',
      handlerDir: '/p/configs/handlers',
    });
    // root alone moves the default folders with it.
    assert.equal(resolveLayout('/p/configs/job_config.json', { root: '../app' }, none).taskDir, '/p/app/src/job/task');
  });

  test('the handler folder: the seed’s spelling first, the corrected one when only it exists', () => {
    const corrected = memoryFiles({ '/p/src/joborchestrator/handler/h.ts': '' });
    assert.equal(resolveLayout('/p/configs/job_config.json', {}, corrected).handlerDir, '/p/src/joborchestrator/handler');
    const both = memoryFiles({ '/p/src/joborchestrator/handler/h.ts': '', '/p/src/joborchrestrator/handler/h.ts': '' });
    assert.equal(resolveLayout('/p/configs/job_config.json', {}, both).handlerDir, '/p/src/joborchrestrator/handler');
  });

  test('fields of the wrong type or empty are ignored (the schema reports them)', () => {
    const layout = resolveLayout('/p/configs/job_config.json', { root: 5, taskDir: '', handlerDir: ['x'] }, none);
    assert.equal(layout.root, '/p');
    assert.equal(layout.taskDir, '/p/src/job/task');
    assert.equal(layout.handlerDir, '/p/src/joborchrestrator/handler');
    assert.equal(resolveLayout('/p/configs/job_config.json', [1, 2], none).root, '/p');
    assert.equal(resolveLayout('/p/configs/job_config.json', null, none).root, '/p');
  });

  test('the analysis finds modules through the overrides', () => {
    const files = memoryFiles({
      '/repo/lib/tasks/task1.ts': 'export class Task1 {}',
      '/repo/lib/handlers/main.ts': 'export class Main {}',
    });
    const text = '{"taskDir": "../lib/tasks", "handlerDir": "../lib/handlers", "jobs": [{"name": "j", "handler": "main.Main", "tasks": [{"name": "Task1"}]}]}';
    const analysis = analyzeConfig(text, { file: '/repo/conf/job_config.json', files });
    assert.deepEqual(analysis.problems, []);
    assert.equal(analysis.model?.jobs[0].tasks[0].module, '/repo/lib/tasks/task1.ts');
    assert.equal(analysis.model?.jobs[0].handlerModule, '/repo/lib/handlers/main.ts');
    assert.equal(analysis.model?.layout.root, '/repo/conf');
  });

  test('messages show paths relative to the project root', () => {
    const { analysis, ranges } = analyzeMarked(
      '{"root": "..", "jobs": [{"name": "j", "handler": "GenericJobHandler", "tasks": [{"name": ⟦"Task1"⟧}]}]}',
      memoryFiles({}),
      '/w/configs/sub/job_config.json',
    );
    assertProblems(analysis.problems, ranges, ['missing-task']);
    assert.equal(analysis.problems[0].message, 'Task class "Task1" has no module: expected src/job/task/task1.ts');
    assert.equal(analysis.problems[0].data?.expectedFile, '/w/configs/src/job/task/task1.ts');
  });
});
