import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunEvent } from '../../engine/run/events';
import { listRuns, readRun } from '../../engine/run/records';
import { runJobInChild } from '../../engine/run/child-runner';
import { runJob } from '../../engine/run/run-job';
import { ConfigError, JobNotFoundError } from '../../engine/run/setup';
import { type TempProject, taskModule, tempProject } from '../helpers/project';

const projects: TempProject[] = [];
after(() => projects.forEach((p) => p.remove()));

function project(tasks: object[], files: Record<string, string>, jobExtra: object = {}): TempProject {
  const p = tempProject({ jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks, ...jobExtra }] }, files);
  projects.push(p);
  return p;
}

async function run(p: TempProject, extra: Partial<Parameters<typeof runJob>[0]> = {}) {
  const events: RunEvent[] = [];
  const summary = await runJob({ configFile: p.configFile, job: 'job1', onEvent: (e) => events.push(e), ...extra });
  return { summary, events };
}

describe('runJob', () => {
  test('runs TypeScript tasks importing fastasyncio and their relative imports, passing results by name', async () => {
    const p = project(
      [
        { name: 'Task1', params: { n: 20 } },
        { name: 'Task2', dependencies: ['Task1'] },
      ],
      {
        'src/job/task/helpers/double.ts': 'export const double = (n: number): number => n * 2;\n',
        'src/job/task/task1.ts': `import { BaseTask, type TaskContext } from 'fastasyncio';\nimport { double } from './helpers/double';\nexport class Task1 extends BaseTask {\n  async execute(_input: Record<string, unknown>, ctx: TaskContext): Promise<number> {\n    ctx.log('doubling');\n    return double(ctx.params.n as number);\n  }\n}\n`,
        'src/job/task/task2.ts': `export class Task2 {\n  async execute(input: { Task1: number }): Promise<number> {\n    return input.Task1 + 2;\n  }\n}\n`,
      },
    );
    const { summary, events } = await run(p);
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual(summary.results, Object.assign(Object.create(null), { Task1: 40, Task2: 42 }));
    assert.ok(events.some((e) => e.type === 'task-log' && e.task === 'Task1' && e.message === 'doubling'));
    const started = events[0];
    assert.equal(started.type, 'run-started');
    assert.deepEqual(started.type === 'run-started' && started.stages.map((s) => s.tasks), [['Task1'], ['Task2']]);
  });

  test('without esbuild (the packaged extension) modules are transpiled with sucrase, with the same rules', async () => {
    process.env.FASTASYNCIO_COMPILER = 'sucrase';
    try {
      const p = project([{ name: 'Task1' }, { name: 'Task2', dependencies: ['Task1'] }, { name: 'Sneaky' }], {
        'src/job/task/lib/add.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
        'src/job/task/task1.ts':
          "import { BaseTask, type TaskContext } from 'fastasyncio';\nimport { add } from './lib/add';\nexport class Task1 extends BaseTask {\n  async execute(_i: unknown, ctx: TaskContext): Promise<number> {\n    ctx.log('adding');\n    return add(40, 2);\n  }\n}\n",
        'src/job/task/task2.ts':
          "export class Task2 {\n  async execute(input: { Task1: number }): Promise<number> {\n    const x: number = input.Task1;\n    throw new Error('got ' + x);\n  }\n}\n",
        'src/job/task/sneaky.ts': "import '../../../../../../../etc/hostname';\nexport class Sneaky { async execute() { return 1; } }\n",
      });
      const { summary, events } = await run(p);
      assert.equal(summary.results.Task1, 42);
      assert.equal(summary.tasks.Task2.error, 'got 42');
      const failed = events.find((e) => e.type === 'task-finished' && e.task === 'Task2');
      assert.match((failed?.type === 'task-finished' && failed.error?.stack) || '', /task2\.ts:4/, 'line numbers are kept');
      assert.match(summary.tasks.Sneaky.error ?? '', /outside the project/);
    } finally {
      delete process.env.FASTASYNCIO_COMPILER;
    }
  });

  test('compiled modules are cached on disk and rebuilt when any file they import changes', async () => {
    const p = project([{ name: 'Task1' }], {
      'src/job/task/value.ts': 'export const value = 1;\n',
      'src/job/task/task1.ts': "import { value } from './value';\nexport class Task1 { async execute() { return value; } }\n",
    });
    assert.equal((await run(p)).summary.results.Task1, 1);
    assert.equal(fs.readdirSync(path.join(p.root, '.fastasyncio/cache')).length, 1);
    p.write('src/job/task/value.ts', 'export const value = 2;\n');
    const summary = await runJobInChild({ configFile: p.configFile, job: 'job1' });
    assert.equal(summary.results.Task1, 2, 'a fresh process sees the edited import, not the stale bundle');
  });

  test('a task error carries its stack pointing into the TypeScript source', async () => {
    const p = project([{ name: 'Broken' }], {
      'src/job/task/broken.ts': `export class Broken {\n  async execute(): Promise<never> {\n    const value: number = 1;\n    throw new Error('broken ' + value);\n  }\n}\n`,
    });
    const { summary, events } = await run(p);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.tasks.Broken.error, 'broken 1');
    const finished = events.find((e) => e.type === 'task-finished');
    const stack = (finished?.type === 'task-finished' && finished.error?.stack) || '';
    assert.match(stack, /broken\.ts:4/);
    // The task's frames only: the engine's below them (minified, in its bundle) say nothing to its author.
    assert.deepEqual(
      stack.split('\n').filter((line) => /^\s+at /.test(line) && !line.includes('broken.ts')),
      [],
      stack,
    );
  });

  test('a module that fails to compile or lacks the class fails only its task', async () => {
    const p = project([{ name: 'Bad' }, { name: 'Good' }], {
      'src/job/task/bad.ts': 'export class Bad { async execute( { }\n',
      ...taskModule('Good', 'return 1;'),
    });
    const { summary } = await run(p);
    assert.equal(summary.tasks.Bad.status, 'failed');
    assert.match(summary.tasks.Bad.error ?? '', /cannot compile bad\.ts/);
    assert.equal(summary.tasks.Good.status, 'succeeded');
  });

  test('a Python task runs in the Python runner, beside the others (test/python has the rest)', async () => {
    const p = project([{ name: 'Task1' }, { name: 'Task2', dependencies: ['Task1'] }], {
      'src/job/task/task1.py': 'class Task1:\n    async def execute(self, input_data=None):\n        return 1\n',
      ...taskModule('Task2', 'return input.Task1 + 1;'),
    });
    const { summary } = await run(p);
    assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
    assert.deepEqual({ ...summary.results }, { Task1: 1, Task2: 2 });
  });

  test('a relative import that leaves the project is refused', async () => {
    const p = project([{ name: 'Sneaky' }], {
      'src/job/task/sneaky.ts': "import '../../../../../../../etc/hostname';\nexport class Sneaky { async execute() { return 1; } }\n",
    });
    const { summary } = await run(p);
    assert.equal(summary.tasks.Sneaky.status, 'failed');
    assert.match(summary.tasks.Sneaky.error ?? '', /outside the project/);
  });

  test('symlinks cannot smuggle in modules from outside the task folder or the project', async () => {
    const outside = tempProject({}, { 'evil.js': 'exports.Evil = class Evil { async execute() { return "pwned"; } };\nexports.value = "pwned";\n' });
    projects.push(outside);
    const p = project([{ name: 'Evil' }, { name: 'Linked' }], {
      'src/job/task/linked.ts': "import { value } from './lib/evil';\nexport class Linked { async execute() { return value; } }\n",
    });
    fs.symlinkSync(path.join(outside.root, 'evil.js'), path.join(p.root, 'src/job/task/evil.js'));
    fs.symlinkSync(outside.root, path.join(p.root, 'src/job/task/lib'));
    const { summary } = await run(p);
    assert.match(summary.tasks.Evil.error ?? '', /outside the task and handler folders/);
    assert.match(summary.tasks.Linked.error ?? '', /outside the project/);
    assert.deepEqual(Object.keys(summary.results), []);
  });

  test('a long-lived process sees edits to a module and to what it imports', async () => {
    const p = project([{ name: 'Task1' }], {
      'src/job/task/value.ts': "export const value = 'one';\n",
      'src/job/task/task1.ts': "import { value } from './value';\nexport class Task1 { async execute() { return value; } }\n",
    });
    assert.equal((await run(p)).summary.results.Task1, 'one');
    p.write('src/job/task/value.ts', "export const value = 'two';\n");
    assert.equal((await run(p)).summary.results.Task1, 'two');
  });

  test('a config with errors is never run, and an unknown job is named', async () => {
    const p = project([{ name: 'Task1', dependencies: ['Nope'] }], taskModule('Task1', 'return 1;'));
    await assert.rejects(run(p), (e: unknown) => e instanceof ConfigError && e.problems.some((x) => x.code === 'unknown-dependency'));
    assert.deepEqual(p.records(), []);
    const q = project([{ name: 'Task1' }], taskModule('Task1', 'return 1;'));
    await assert.rejects(runJob({ configFile: q.configFile, job: 'nope' }), (e: unknown) => e instanceof JobNotFoundError && /jobs: job1/.test(e.message));
  });

  describe('handlers', () => {
    const tasks = [{ name: 'Task1' }, { name: 'Task2', dependencies: ['Task1'] }];
    const modules = { ...taskModule('Task1', 'return 1;'), ...taskModule('Task2', 'return input.Task1 + 1;') };
    const handler = (body: string) => ({ 'src/joborchrestrator/handler/my_handler.js': body, ...modules });

    test('a plain class with no methods gets the generic behaviour', async () => {
      const p = project(tasks, handler('exports.MyHandler = class MyHandler {};\n'), { handler: 'my_handler.MyHandler' });
      const { summary } = await run(p);
      assert.equal(summary.status, 'succeeded');
      assert.equal(summary.results.Task2, 2);
    });

    test('hooks run around the tasks, and aggregate becomes the output', async () => {
      const p = project(
        tasks,
        handler(`const { GenericJobHandler } = require('fastasyncio');
exports.MyHandler = class MyHandler extends GenericJobHandler {
  async beforeJob(ctx) { ctx.log('before'); }
  async aggregate(results) { return Object.values(results).reduce((a, b) => a + b, 0); }
  async afterJob(ctx, summary) { ctx.log('after ' + Object.keys(summary.results).length); }
};\n`),
        { handler: 'my_handler.MyHandler' },
      );
      const { summary, events } = await run(p);
      const logs = events.filter((e) => e.type === 'run-log').map((e) => (e.type === 'run-log' ? e.message : ''));
      assert.deepEqual(logs, ['before', 'after 2']);
      assert.ok(events.findIndex((e) => e.type === 'run-log') < events.findIndex((e) => e.type === 'task-started'));
      assert.equal(summary.output, 3);
    });

    test('run() overridden and calling super.run()', async () => {
      const p = project(
        tasks,
        handler(`const { GenericJobHandler } = require('fastasyncio');
exports.MyHandler = class MyHandler extends GenericJobHandler {
  async run(ctx) { ctx.log('I am ' + this.constructor.name); return super.run(ctx); }
};\n`),
        { handler: 'my_handler.MyHandler' },
      );
      const { summary, events } = await run(p);
      assert.equal(summary.status, 'succeeded');
      assert.ok(events.some((e) => e.type === 'run-log' && e.message === 'I am MyHandler'));
    });

    test('a throwing beforeJob fails the run and skips every task', async () => {
      const p = project(tasks, handler("exports.MyHandler = class MyHandler { async beforeJob() { throw new Error('not today'); } };\n"), {
        handler: 'my_handler.MyHandler',
      });
      const { summary } = await run(p);
      assert.equal(summary.status, 'failed');
      assert.match(summary.error ?? '', /not today/);
      assert.deepEqual(
        Object.values(summary.tasks).map((t) => t.status),
        ['skipped', 'skipped'],
      );
    });
  });

  describe('run records', () => {
    test('every event is appended to .fastasyncio/runs/<runId>.jsonl and read back; large results are truncated', async () => {
      const p = project([{ name: 'Big' }, { name: 'Small', dependencies: ['Big'] }], {
        ...taskModule('Big', "return 'x'.repeat(200000);"),
        ...taskModule('Small', 'return input.Big.length;'),
      });
      const { summary, events } = await run(p);
      assert.equal(summary.results.Small, 200000, 'the dependent got the whole result');
      assert.deepEqual(p.records(), [`${summary.runId}.jsonl`]);
      const recorded = readRun(p.root, summary.runId)!;
      assert.deepEqual(
        recorded.map((e) => e.type),
        events.map((e) => e.type),
      );
      const big = recorded.find((e) => e.type === 'task-finished' && e.task === 'Big');
      assert.deepEqual(big?.type === 'task-finished' && big.result, {
        $truncated: true,
        bytes: 200002,
        preview: JSON.stringify('x'.repeat(200000)).slice(0, 1000),
      });
      const [listed] = listRuns(p.root);
      assert.equal(listed.runId, summary.runId);
      assert.equal(listed.status, 'succeeded');
      assert.equal(listed.tasks.Small.status, 'succeeded');
    });

    test('old records are pruned beyond the count to keep', async () => {
      const p = project([{ name: 'Task1' }], taskModule('Task1', 'return 1;'));
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await run(p, { record: { keep: 2 } })).summary.runId);
      assert.deepEqual(
        p.records(),
        ids.slice(-2).map((id) => `${id}.jsonl`),
      );
    });
  });

  test('the record file exists before the run ends (events are written as they happen)', async () => {
    const p = project([{ name: 'Task1' }], taskModule('Task1', 'await sleep(300); return 1;'));
    let seenOnDisk = '';
    const events: RunEvent[] = [];
    await runJob({
      configFile: p.configFile,
      job: 'job1',
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'task-started') {
          setTimeout(() => {
            const [file] = p.records();
            seenOnDisk = fs.readFileSync(path.join(p.root, '.fastasyncio/runs', file), 'utf8');
          }, 100);
        }
      },
    });
    assert.match(seenOnDisk, /"type":"task-started"/);
  });
});
