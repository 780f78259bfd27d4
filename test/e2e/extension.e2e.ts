// The extension in a real VS Code (code-server): the jobs' plans before any run, diagnostics in the
// Problems panel, Run Job from the palette with the tree, the output channel and the end-of-run
// notification, a failed run re-run, cancelling a run, config globs from the settings, and Restricted Mode.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe } from 'node:test';
import { type TreeItem, waitUntil } from './harness';
import { findVsix, ROOT, useVSCode } from './run';

const EXAMPLES = path.join(ROOT, 'examples');
/** The jobs view's name: its title reads it once ("FastAsyncio", not "FastAsyncio: FastAsyncio Jobs"). */
const VIEW = 'FastAsyncio';
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

/** A job whose one task times out: its run fails. Its file sorts first, so that its rows are in view. */
const TIMES_OUT = {
  jobs: [{ name: 'times-out', handler: 'GenericJobHandler', tasks: [{ name: 'Task1', params: { seconds: 30 }, timeout: 0.2 }] }],
};

/** A job's rows: its own and those under it, up to the next job. */
function rowsOf(rows: TreeItem[], job: string): TreeItem[] {
  const start = rows.findIndex((r) => r.level === 1 && r.label === job);
  if (start < 0) return [];
  const end = rows.findIndex((r, i) => i > start && r.level === 1);
  return rows.slice(start, end < 0 ? undefined : end);
}

describe('FastAsyncio in VS Code (trusted workspace)', () => {
  const code = useVSCode({ workspace: EXAMPLES, vsix: findVsix() });

  code.test("the extension reports its activation time: from its bundle's first line to activate returning (issue 15: under 50 ms)", async (vscode) => {
    const text = await vscode.waitForOutput('FastAsyncio', /activated in [\d.]+ ms/);
    const found = /activated in ([\d.]+) ms \(bundle ([\d.]+) ms, activate ([\d.]+) ms; VS Code between them ([\d.]+) ms\)/.exec(text);
    assert.ok(found, text);
    const [total, bundle, activate, host] = found.slice(1).map(Number);
    assert.ok(Math.abs(bundle + activate - total) < 0.2, 'the parts add up');
    // The figure the issue asks for, printed for the closing note; the bound is only a sanity check.
    console.log(`activation: ${total} ms (bundle ${bundle} ms, activate ${activate} ms; VS Code between them ${host} ms)`);
    assert.ok(total > 0 && total < 2000, `activation took ${total} ms`);
  });

  code.test("before any run, each job shows its plan's stages and tasks, and a stage says how many of its tasks run at once", async (vscode) => {
    const rows = await vscode.waitForTreeItems(VIEW, (r) => rowsOf(r, 'job1').some((x) => x.label === 'Task4') && rowsOf(r, 'fan-out').length > 0);
    const job1 = rowsOf(rows, 'job1');
    assert.deepEqual(
      job1.map((r) => [r.level, r.label, r.description]),
      [
        [1, 'job1', path.join('configs', 'job_config.json')],
        [2, 'Stage 1', '2 tasks in parallel'],
        [3, 'Task1', ''],
        [3, 'Task3', ''],
        [2, 'Stage 2 · after Task1', '1 task'],
        [3, 'Task2', 'after Task1'],
        [2, 'Stage 3 · after Task2, Task3', '1 task'],
        [3, 'Task4', 'after Task2, Task3'],
      ],
    );
    assert.ok(job1.filter((r) => r.level === 3).every((r) => r.icon === 'circle-outline'));
    // fan-out's maxConcurrency is 2: its three shards do not all run at once.
    const fanOut = rowsOf(rows, 'fan-out');
    assert.equal(fanOut.find((r) => r.label === 'Stage 2 · after Task1')?.description, '3 tasks, 2 at a time');
    // The side bar's title names the view once.
    await vscode.waitForText('.part.sidebar .title-label h2', /^\s*fastasyncio\s*$/i);
    await vscode.screenshot('tree-before-run');
  });

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
      VIEW,
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

    // The end: a notification says how it ended; the status bar keeps the result.
    const toast = await vscode.waitForNotification(/job1 succeeded in \d/);
    assert.deepEqual(toast.buttons, ['Show Run', 'Show Log']);
    await waitUntil(
      'the status bar to keep the result',
      () => vscode.statusBarItems(),
      (items) => items.some((i) => /job1 succeeded/.test(i.text)),
    );
    // "Show Run": the Run view, the run over job1's graph.
    await vscode.clickNotificationButton(/job1 succeeded in/, 'Show Run');
    const view = await vscode.webviewFrame('.fa-node[data-task]');
    await waitUntil(
      'the run in the Run view',
      () => view.evaluate<string[]>(`[...document.querySelectorAll('.fa-node[data-task]')].map((e) => e.getAttribute('data-status'))`),
      (statuses) => statuses.length === 4 && statuses.every((s) => s === 'succeeded'),
    );
    // The replayed log keeps each event's own time: test/client/output.test.ts (replayedLines).
  });

  code.test('a failed run says which task failed and offers to re-run it; only the newest run stays expanded', async (vscode) => {
    fs.writeFileSync(path.join(vscode.workspace, 'configs', 'a-times-out.job.json'), JSON.stringify(TIMES_OUT, null, 2));
    await vscode.waitForTreeItems(VIEW, (r) => rowsOf(r, 'times-out').some((x) => x.label === 'Task1'));
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('times-out');
    const toast = await vscode.waitForNotification(/times-out failed: Task1 \(timed out\)/, 60_000);
    assert.deepEqual(toast.buttons, ['Show Run', 'Show Log', 'Re-run', 'Re-run Failed']);
    await vscode.clickNotificationButton(/times-out failed/, 'Re-run');
    const rows = await vscode.waitForTreeItems(
      VIEW,
      (r) => {
        const runs = rowsOf(r, 'times-out').filter((x) => x.level === 2);
        return runs.length === 2 && runs.every((x) => /^failed/.test(x.description));
      },
      60_000,
    );
    const runs = rowsOf(rows, 'times-out').filter((r) => r.level === 2);
    assert.deepEqual(
      runs.map((r) => r.expanded),
      [true, false],
      'the newest run is expanded, the older one folded',
    );
    assert.equal(rowsOf(rows, 'times-out').filter((r) => r.label === 'Task1').length, 1, "only the newest run's tasks show");
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
    await vscode.waitForTreeItems(VIEW, (rows) => rows.some((r) => r.label === 'Task1' && r.spinning));
    await vscode.screenshot('tree-during-run');
    await vscode.runCommand('FastAsyncio: Cancel Run');
    const rows = await vscode.waitForTreeItems(
      VIEW,
      (r) => r.some((x) => x.label === 'Task1' && x.icon === 'circle-slash') && r.some((x) => x.label === 'Task2' && x.icon === 'circle-slash'),
    );
    assert.ok(rows.some((r) => /cancelled/.test(r.description ?? '')));
    // A cancel is what the user asked for: a warning, not an error.
    await vscode.waitForOutput('FastAsyncio', /\[warning\] ■ slow cancelled in/);
    const toast = await vscode.waitForNotification(/slow cancelled/);
    assert.deepEqual(toast.buttons, ['Show Run', 'Show Log', 'Re-run Failed']);
  });

  code.test('a config glob added to the settings takes effect without a reload: its jobs join the tree', async (vscode) => {
    fs.mkdirSync(path.join(vscode.workspace, 'pipelines'), { recursive: true });
    fs.writeFileSync(path.join(vscode.workspace, 'pipelines', 'etl.json'), JSON.stringify(ETL, null, 2));
    fs.mkdirSync(path.join(vscode.workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(vscode.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'fastasyncio.configGlobs': ['pipelines/*.json'] }));
    const rows = await vscode.waitForTreeItems(VIEW, (r) => r.some((x) => x.label === 'etl'));
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
    const toast = await vscode.waitForNotification(/disabled in Restricted Mode/);
    assert.deepEqual(toast.buttons, ['Manage Workspace Trust']);
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
