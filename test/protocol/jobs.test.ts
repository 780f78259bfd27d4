import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { type ConfigJobs, JobsRequest } from '../../server/protocol';
import { LspClient } from './lsp-client';
import { jobConfig, type TempProject, tempProject } from './project';

const jobsOf = (client: LspClient, params: JobsRequest.Params = null) => client.request<JobsRequest.Result>(JobsRequest.method, params);

/** The last state a client was sent for `file` after notification `since`: a config, `null` when removed, `undefined` when nothing was sent. */
function lastSent(client: LspClient, file: string, since = 0): ConfigJobs | null | undefined {
  for (let i = client.jobsChanged.length - 1; i >= since; i--) {
    const { changed, removed } = client.jobsChanged[i];
    const config = changed.find((c) => c.file === file);
    if (config) return config;
    if (removed.includes(file)) return null;
  }
  return undefined;
}

describe('jobs over the protocol (fastasyncio/jobs, fastasyncio/jobsChanged)', () => {
  let project: TempProject;
  let client: LspClient;
  let etl: string;
  before(async () => {
    // Task3 has a module but no place in the config on disk; Task5 has no module.
    project = tempProject(jobConfig([['Task1'], ['Task2', 'Task1'], ['Task4', 'Task1']]));
    etl = project.write('pipelines/etl.json', jobConfig([['Task1'], ['Task5', 'Task1']]).replace('{\n', '{\n  "root": "..",\n'));
    client = await LspClient.start({
      root: project.root,
      initializationOptions: { debounceMs: 0, jobs: true },
      // The folder's own settings win over the window's.
      settings: (scope?: string) => (scope === undefined ? { keepRuns: 5 } : { keepRuns: 7, taskDir: 'src/job/task', defaultConcurrency: 2 }),
    });
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('lists every config once the start scan is over: jobs, plans, modules, problem counts, run settings', async () => {
    const configs = await jobsOf(client);
    assert.deepEqual(
      configs.map((c) => c.file),
      [project.config],
      'pipelines/etl.json is no config until a setting says so',
    );
    const [config] = configs;
    assert.equal(config.uri, project.configUri);
    assert.equal(config.version, null, 'from the disk');
    assert.equal(config.root, project.root);
    assert.equal(config.taskDir, project.taskDir);
    assert.deepEqual(config.problems, { errors: 0, warnings: 0, others: 0 });
    assert.deepEqual(config.run, { taskDir: project.taskDir, defaultConcurrency: 2, keepRuns: 7 });
    const [job] = config.jobs;
    assert.equal(job.name, 'job1');
    assert.equal(job.handler, 'job1_handler.Job1Handler');
    assert.equal(job.errors, 0);
    assert.deepEqual(job.stages, [
      { index: 1, tasks: ['Task1'], after: [] },
      { index: 2, tasks: ['Task2', 'Task4'], after: ['Task1'] },
    ]);
    assert.deepEqual(
      job.tasks.map((t) => [t.id, t.index, t.dependencies, t.module && path.relative(project.root, t.module)]),
      [
        ['Task1', 0, [], 'src/job/task/task1.ts'],
        ['Task2', 1, ['Task1'], 'src/job/task/task2.ts'],
        ['Task4', 2, ['Task1'], 'src/job/task/task4.ts'],
      ],
    );
    // What the start scan published agrees with what the request answers.
    assert.deepEqual(lastSent(client, project.config), config);
  });

  it('follows an open document that differs from the disk, and each edit of it', async () => {
    const since = client.jobsChanged.length;
    // In the editor, Task3 is added after Task2.
    await client.open(project.configUri, jobConfig([['Task1'], ['Task2', 'Task1'], ['Task4', 'Task1'], ['Task3', 'Task2']]));
    const ofVersion = (version: number) => () => {
      const sent = lastSent(client, project.config, since);
      return sent?.version === version ? sent : undefined;
    };
    const opened = await client.waitFor('jobs of version 1', ofVersion(1));
    assert.deepEqual(
      opened.jobs[0].stages.map((s) => s.tasks),
      [['Task1'], ['Task2', 'Task4'], ['Task3']],
    );
    const [listed] = await jobsOf(client);
    assert.equal(listed.version, 1, 'the request answers the open document too');
    assert.deepEqual(listed.jobs, opened.jobs);

    // An edit: Task3 now waits for "Task9", which does not exist.
    const text = jobConfig([['Task1'], ['Task2', 'Task1'], ['Task4', 'Task1'], ['Task3', 'Task9']]);
    const version = await client.change(project.configUri, [{ text }]);
    const edited = await client.waitFor(`jobs of version ${version}`, ofVersion(version));
    assert.deepEqual(edited.problems, { errors: 1, warnings: 0, others: 0 });
    assert.equal(edited.jobs[0].errors, 1);
    assert.deepEqual(
      edited.jobs[0].stages.map((s) => s.tasks),
      [
        ['Task1', 'Task3'],
        ['Task2', 'Task4'],
      ],
      'an unknown dependency waits for nothing in the plan',
    );
  });

  it('sends nothing for a version that changes nothing the client shows', async () => {
    const since = client.jobsChanged.length;
    const diagnosticsSince = client.mark();
    const text = jobConfig([['Task1'], ['Task2', 'Task1'], ['Task4', 'Task1'], ['Task3', 'Task9']]);
    const version = await client.change(project.configUri, [{ text: `${text}\n\n` }]);
    await client.diagnostics(project.configUri, (p) => p.version === version, diagnosticsSince);
    // A request's answer comes after any notification sent before it.
    const [listed] = await jobsOf(client);
    assert.equal(listed.version, version);
    assert.equal(lastSent(client, project.config, since), undefined);
  });

  it('answers only the configs asked for', async () => {
    const configs = await jobsOf(client, { uris: [project.configUri, pathToFileURL(path.join(project.root, 'package.json')).href] });
    assert.deepEqual(
      configs.map((c) => c.file),
      [project.config],
    );
  });

  it('takes a configGlobs change (workspace/didChangeConfiguration) without a restart, and takes it back', async () => {
    let since = client.jobsChanged.length;
    client.settings = { configGlobs: ['pipelines/*.json'] };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const added = await client.waitFor('pipelines/etl.json', () => lastSent(client, etl, since) ?? undefined);
    assert.equal(added.root, project.root, 'its "root" is the project');
    assert.deepEqual(
      added.jobs[0].tasks.map((t) => t.id),
      ['Task1', 'Task5'],
    );
    assert.equal(added.jobs[0].errors, 1, 'Task5 has no module');
    assert.deepEqual(added.run, { keepRuns: 20 }, 'the new settings, defaults for the rest');
    assert.deepEqual(
      (await jobsOf(client)).map((c) => c.file),
      [project.config, etl].sort(),
    );
    const watchers = client.registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles').at(-1);
    assert.ok(JSON.stringify(watchers?.registerOptions).includes('**/pipelines/*.json'), 'watched in any folder');

    since = client.jobsChanged.length;
    client.settings = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitFor('pipelines/etl.json removed', () => (lastSent(client, etl, since) === null ? true : undefined));
    assert.deepEqual(
      (await jobsOf(client)).map((c) => c.file),
      [project.config],
    );
  });

  it('finds configs again when asked to rescan', async () => {
    const nightly = project.write('configs/nightly.job.json', jobConfig([['Task1']]));
    const configs = await jobsOf(client, { rescan: true });
    assert.ok(
      configs.some((c) => c.file === nightly),
      'a config no watcher reported',
    );
  });

  it('withdraws a config closed that is not on disk', async () => {
    const scratch = path.join(project.root, 'configs/scratch.job.json');
    const uri = pathToFileURL(scratch).href;
    await client.open(uri, jobConfig([['Task1']]));
    await client.waitFor('scratch', () => lastSent(client, scratch) ?? undefined);
    const since = client.jobsChanged.length;
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await client.waitFor('scratch removed', () => (lastSent(client, scratch, since) === null ? true : undefined));
  });
});

describe('jobs for a client that did not ask for notifications', () => {
  it('answers fastasyncio/jobs and sends no fastasyncio/jobsChanged', async () => {
    const project = tempProject(jobConfig([['Task1']]));
    const client = await LspClient.start({ root: project.root, initializationOptions: { debounceMs: 0 } });
    try {
      const configs = await jobsOf(client);
      assert.deepEqual(
        configs.map((c) => c.jobs.map((j) => j.name)),
        [['job1']],
      );
      assert.deepEqual(configs[0].run, { keepRuns: 20 });
      assert.deepEqual(client.jobsChanged, []);
    } finally {
      await client.stop();
      project.remove();
    }
  });
});
