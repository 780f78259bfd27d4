// The extension in a real VS Code (code-server): diagnostics in the Problems panel, Run Job from the
// palette with the tree and the output channel, cancelling a run, config globs from the settings, and
// Restricted Mode.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe } from 'node:test';
import { findVsix, ROOT, useVSCode } from './run';

const EXAMPLES = path.join(ROOT, 'examples');
const BROKEN = {
  jobs: [
    {
      name: 'broken',
      handler: 'GenericJobHandler',
      tasks: [{ name: 'Task1', dependencies: ['Tsk2'] }, { name: 'Task9' }],
    },
  ],
};
/** A config only a settings glob makes one; its project is the workspace. */
const ETL = {
  root: '..',
  jobs: [{ name: 'etl', handler: 'GenericJobHandler', tasks: [{ name: 'Task1' }] }],
};
const SLOW = {
  jobs: [
    {
      name: 'slow',
      handler: 'GenericJobHandler',
      tasks: [
        { name: 'Task1', params: { seconds: 120 } },
        { name: 'Task2', dependencies: ['Task1'] },
      ],
    },
  ],
};

describe('FastAsyncio in VS Code (trusted workspace)', () => {
  const code = useVSCode({ workspace: EXAMPLES, vsix: findVsix() });

  code.test("a broken config's problems appear with their codes, and go away when fixed", async (vscode) => {
    const file = path.join(vscode.workspace, 'configs', 'broken.job.json');
    fs.writeFileSync(file, JSON.stringify(BROKEN, null, 2));
    const problems = await vscode.waitForProblems((ps) => ps.some((p) => p.code === 'unknown-dependency') && ps.some((p) => p.code === 'missing-task'));
    const unknown = problems.find((p) => p.code === 'unknown-dependency')!;
    assert.equal(unknown.source, 'fastasyncio');
    assert.match(unknown.message, /did you mean "Task2"\?|Unknown dependency "Tsk2"/);
    assert.equal(unknown.severity, 'error');
    fs.writeFileSync(
      file,
      JSON.stringify(
        { jobs: [{ name: 'broken', handler: 'GenericJobHandler', tasks: [{ name: 'Task1' }, { name: 'Task2', dependencies: ['Task1'] }] }] },
        null,
        2,
      ),
    );
    await vscode.waitForProblems((ps) => !ps.some((p) => p.source === 'fastasyncio'));
  });

  code.test('"FastAsyncio: Run Job" runs the sample job: the tree shows its tasks succeed, the output channel has the run', async (vscode) => {
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('job1');
    const items = await vscode.waitForTreeItems(
      'FastAsyncio Jobs',
      (rows) => ['Task1', 'Task2', 'Task3', 'Task4'].every((t) => rows.some((r) => r.label === t && r.icon === 'pass')),
      60_000,
    );
    assert.ok(
      items.some((r) => /^Stage 2 · after Task1$/.test(r.label)),
      'stages show what waits for what',
    );
    assert.ok(items.some((r) => r.label === 'Task1' && /succeeded · \d/.test(r.description ?? '')));
    const output = await vscode.waitForOutput('FastAsyncio', /job1 succeeded in/);
    assert.match(output, /▶ Task1 started/);
    assert.match(output, /Task4: Task4 started with inputs from \[Task2, Task3\]/);
    await vscode.screenshot('tree-after-run');
  });

  code.test("a Python job (examples/python: the seed's own tasks) runs from Run Job: its interpreter, its prints, its end", async (vscode) => {
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('python-job1');
    const output = await vscode.waitForOutput('FastAsyncio', /python-job1 succeeded in/);
    assert.match(output, /Python 3\.\d+\.\d+ \(/);
    assert.match(output, /Task3: Task3 is running/);
    assert.match(output, /Task4: Task4 combines Task2, Task3/);
  });

  code.test('cancelling a running job marks it cancelled', async (vscode) => {
    fs.writeFileSync(path.join(vscode.workspace, 'configs', 'slow.job.json'), JSON.stringify(SLOW, null, 2));
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('slow');
    await vscode.waitForTreeItems('FastAsyncio Jobs', (rows) => rows.some((r) => r.label === 'Task1' && r.spinning));
    await vscode.screenshot('tree-during-run');
    await vscode.runCommand('FastAsyncio: Cancel Run');
    const rows = await vscode.waitForTreeItems(
      'FastAsyncio Jobs',
      (r) => r.some((x) => x.label === 'Task1' && x.icon === 'circle-slash') && r.some((x) => x.label === 'Task2' && x.icon === 'circle-slash'),
    );
    assert.ok(rows.some((r) => /cancelled/.test(r.description ?? '')));
    await vscode.waitForOutput('FastAsyncio', /slow cancelled in/);
  });

  code.test('a config glob added to the settings takes effect without a reload: its jobs join the tree', async (vscode) => {
    fs.mkdirSync(path.join(vscode.workspace, 'pipelines'), { recursive: true });
    fs.writeFileSync(path.join(vscode.workspace, 'pipelines', 'etl.json'), JSON.stringify(ETL, null, 2));
    fs.mkdirSync(path.join(vscode.workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(vscode.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'fastasyncio.configGlobs': ['pipelines/*.json'] }));
    const rows = await vscode.waitForTreeItems('FastAsyncio Jobs', (r) => r.some((x) => x.label === 'etl'));
    assert.equal(rows.find((r) => r.label === 'etl')?.description, path.join('pipelines', 'etl.json'));
    assert.ok(
      rows.some((r) => r.label === 'job1'),
      'the other configs stay',
    );
  });
});

describe('FastAsyncio in VS Code (Restricted Mode)', () => {
  const code = useVSCode({ workspace: EXAMPLES, vsix: findVsix(), trusted: false });

  code.test('Run Job is refused with a message saying why; validation still works', async (vscode) => {
    assert.ok(await vscode.isRestricted());
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.waitForNotification(/disabled in Restricted Mode/);
    const file = path.join(vscode.workspace, 'configs', 'broken.job.json');
    fs.writeFileSync(file, JSON.stringify(BROKEN, null, 2));
    await vscode.waitForProblems((ps) => ps.some((p) => p.code === 'unknown-dependency'));
    assert.deepEqual(
      fs.readdirSync(vscode.workspace).filter((f) => f === '.fastasyncio'),
      [],
      'nothing ran',
    );
  });
});
