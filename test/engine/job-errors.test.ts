import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runJobInChild } from '../../engine/run/child-runner';
import { runJob } from '../../engine/run/run-job';
import { ConfigError, JobNotFoundError } from '../../engine/run/setup';
import { type TempProject, taskModule, tempProject } from '../helpers/project';

// runJobInChild forks dist/cli.js: `npm test` builds it first.

const projects: TempProject[] = [];
after(() => projects.forEach((p) => p.remove()));

const good = { name: 'good', handler: 'GenericJobHandler', tasks: [{ name: 'Task1' }, { name: 'Task2', dependencies: ['Task1'] }] };
const broken = {
  name: 'broken',
  handler: 'GenericJobHandler',
  tasks: [
    { name: 'Task1', dependencies: ['Nope'] },
    { name: 'Task7', retries: -1 },
  ],
};
const modules = { ...taskModule('Task1', 'return 1;'), ...taskModule('Task2', 'return input.Task1 + 1;') };

function project(config: object): TempProject {
  const p = tempProject(config, modules);
  projects.push(p);
  return p;
}

const refusedWith = (codes: string[]) => (e: unknown) =>
  e instanceof ConfigError && JSON.stringify(e.problems.map((p) => p.code).sort()) === JSON.stringify(codes);

describe('a job with errors does not stop the other jobs of its config', () => {
  test('runJob runs a job whose config has errors only in another job', async () => {
    const p = project({ jobs: [good, broken] });
    const summary = await runJob({ configFile: p.configFile, job: 'good' });
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual({ ...summary.results }, { Task1: 1, Task2: 2 });
  });

  test('the job with errors is refused, with its own errors only', async () => {
    const p = project({ jobs: [good, broken] });
    await assert.rejects(runJob({ configFile: p.configFile, job: 'broken' }), refusedWith(['missing-task', 'schema', 'unknown-dependency']));
    await assert.rejects(runJob({ configFile: p.configFile, job: 'nope' }), (e: unknown) => e instanceof JobNotFoundError);
  });

  test('errors of the whole file (the schema at the top level, syntax) stop every job', async () => {
    const p = project({ jobs: [good], handlerDir: '' });
    await assert.rejects(runJob({ configFile: p.configFile, job: 'good' }), refusedWith(['schema']));
    p.write('configs/job_config.json', '{ "jobs": [ ');
    await assert.rejects(runJob({ configFile: p.configFile, job: 'good' }), refusedWith(['syntax']));
    assert.deepEqual(p.records(), [], 'nothing ran');
  });

  test('the child-process runner and its worker follow the same rule', async () => {
    const p = project({ jobs: [broken, good] });
    const summary = await runJobInChild({ configFile: p.configFile, job: 'good' });
    assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
    await assert.rejects(runJobInChild({ configFile: p.configFile, job: 'broken' }), refusedWith(['missing-task', 'schema', 'unknown-dependency']));
  });
});
