// Debugging and re-running from VS Code (code-server): "Debug Job" runs job1 under VS Code's debugger,
// which stops at a breakpoint in a task's module and lets the run finish on Continue; "Re-run Failed"
// runs again only the task that failed and what depends on it, reusing the results of the others, from
// the end-of-run notification and from the Run view.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe } from 'node:test';
import { type TreeItem, type VSCode, waitUntil } from './harness';
import { call, type DebugFrameLine, readDebugFrameLines } from './page-scripts';
import { findVsix, ROOT, useVSCode } from './run';

const EXAMPLES = path.join(ROOT, 'examples');
/** The jobs view's name. */
const VIEW = 'FastAsyncio';
/** The line of `src/job/task/task2.ts` (1-based) where Task2 logs its start: the breakpoint's. */
const BREAKPOINT_LINE = 7;

/** A task that fails while `fail.flag` is in the project root. */
const FLAKY_TS = `import * as fs from 'node:fs';
import { BaseTask, type TaskContext } from 'fastasyncio';

export class Flaky extends BaseTask {
  async execute(input: Record<string, unknown>, ctx: TaskContext): Promise<unknown> {
    if (fs.existsSync('fail.flag')) throw new Error('fail.flag is there');
    ctx.log(\`Flaky ran with inputs from [\${Object.keys(input).join(', ')}]\`);
    return { value: 'flaky' };
  }
}
`;
/** Task1 and Task3 succeed; Flaky (after Task1) fails while the flag is there; Task4 waits for Flaky and Task3. */
const FLAKY = {
  jobs: [
    {
      name: 'flaky',
      handler: 'GenericJobHandler',
      tasks: [
        { name: 'Task1', params: { seconds: 0.2 } },
        { name: 'Task3', params: { seconds: 0.2 } },
        { name: 'Flaky', dependencies: ['Task1'] },
        { name: 'Task4', dependencies: ['Flaky', 'Task3'], params: { seconds: 0.2 } },
      ],
    },
  ],
};

/** A job's rows: its own and those under it, up to the next job. */
function rowsOf(rows: TreeItem[], job: string): TreeItem[] {
  const start = rows.findIndex((r) => r.level === 1 && r.label === job);
  if (start < 0) return [];
  const end = rows.findIndex((r, i) => i > start && r.level === 1);
  return rows.slice(start, end < 0 ? undefined : end);
}

interface RecordedEvent {
  type: string;
  runId: string;
  task?: string;
  status?: string;
  reused?: string;
  message?: string;
  rerun?: { from?: string };
}

/** A run's record in the workspace, as events. */
function record(vscode: VSCode, runId: string): RecordedEvent[] {
  const text = fs.readFileSync(path.join(vscode.workspace, '.fastasyncio', 'runs', `${runId}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedEvent);
}

/** The ids of the recorded runs of `job`, oldest first. */
function runsOf(vscode: VSCode, job: string): string[] {
  const dir = path.join(vscode.workspace, '.fastasyncio', 'runs');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .sort()
    .filter((id) => record(vscode, id)[0]?.type === 'run-started' && (record(vscode, id)[0] as { job?: string }).job === job);
}

/** Waits until `job` has `count` recorded runs, the last one finished; returns their ids, oldest first. */
async function finishedRuns(vscode: VSCode, job: string, count: number): Promise<string[]> {
  return waitUntil(
    `${count} finished run(s) of ${job} in .fastasyncio/runs`,
    async () => runsOf(vscode, job),
    (ids) => ids.length === count && record(vscode, ids.at(-1)!).some((e) => e.type === 'run-finished'),
    90_000,
  );
}

/** The re-run's account of itself: which run it came from, which tasks started, which were reused and from where. */
function rerunOf(vscode: VSCode, runId: string) {
  const events = record(vscode, runId);
  const started = events.find((e) => e.type === 'run-started');
  return {
    from: started?.rerun?.from,
    startedTasks: events.filter((e) => e.type === 'task-started').map((e) => e.task),
    reused: Object.fromEntries(events.filter((e) => e.type === 'task-finished' && e.reused).map((e) => [e.task, [e.status, e.reused]])),
    status: events.find((e) => e.type === 'run-finished')?.status,
  };
}

/** Opens a workspace file at a line through Quick Open (`file:line`). */
async function openAt(vscode: VSCode, file: string, line: number): Promise<void> {
  if (await vscode.quickPickItems()) await vscode.page.keyboard.press('Escape');
  await vscode.page.keyboard.press('Control+P');
  await vscode.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await vscode.page.fill('.quick-input-widget input', `${file}:${line}`);
  await vscode.pickQuickItem(path.basename(file));
  await vscode.waitForText('.tabs-container .tab.active', path.basename(file));
}

describe('Debug Job', () => {
  const code = useVSCode({ workspace: EXAMPLES, vsix: findVsix() });

  code.test(
    'stops at a breakpoint in a task module, then the run finishes on Continue',
    async (vscode) => {
      // A breakpoint on the line where Task2 logs its start.
      await openAt(vscode, 'src/job/task/task2.ts', BREAKPOINT_LINE);
      await vscode.waitForText('[id="status.editor.selection"]', `Ln ${BREAKPOINT_LINE},`);
      await vscode.runCommand('Debug: Toggle Breakpoint');
      await vscode.page.waitForSelector('.part.editor .codicon-debug-breakpoint', { state: 'visible' });

      await vscode.runCommand('FastAsyncio: Debug Job');
      await vscode.pickQuickItem('job1');

      // The debugger attached to the run's worker and stopped there: the call stack says why, the
      // toolbar is up, and task2.ts shows the paused line.
      await vscode.waitForText('.debug-call-stack', /paused on breakpoint/i, 90_000);
      await vscode.page.waitForSelector('.debug-toolbar', { state: 'visible' });
      const paused = await waitUntil(
        'the editor to mark the paused line',
        () => vscode.page.evaluate<DebugFrameLine[]>(call(readDebugFrameLines)),
        (lines) => lines.length > 0,
      );
      // In the module's own file (its source), not in a copy of the code the worker compiled from it.
      const source = fs.readFileSync(path.join(vscode.workspace, 'src', 'job', 'task', 'task2.ts'), 'utf8');
      assert.deepEqual(paused, [{ tab: 'task2.ts', line: BREAKPOINT_LINE, firstLine: source.split('\n')[0] }]);
      const tabs = await vscode.page.evaluate<string[]>(`[...document.querySelectorAll('.part.editor .tab .label-name')].map((e) => e.textContent)`);
      assert.deepEqual(
        tabs.filter((t) => t === 'task2.ts'),
        ['task2.ts'],
        'one editor of task2.ts',
      );
      await vscode.screenshot('debug-paused-in-task2');
      // The run waits meanwhile: the tree shows Task2 running (its timeout does not run out).
      await vscode.waitForTreeItems(VIEW, (rows) => rowsOf(rows, 'job1').some((r) => r.label === 'Task2' && r.spinning));

      await vscode.runCommand('Debug: Continue');
      await vscode.waitForOutput('FastAsyncio', /job1 succeeded in/, 60_000);
      await vscode.waitForNotification(/job1 succeeded in \d/);
      const rows = await vscode.waitForTreeItems(VIEW, (r) =>
        ['Task1', 'Task2', 'Task3', 'Task4'].every((t) => rowsOf(r, 'job1').some((x) => x.label === t && x.icon === 'pass')),
      );
      assert.ok(rowsOf(rows, 'job1').some((r) => r.level === 2 && /^succeeded/.test(r.description)));
      // The run has ended: so has its debug session.
      await vscode.page.waitForSelector('.debug-toolbar', { state: 'hidden', timeout: 30_000 });
    },
    { timeout: 240_000 },
  );
});

describe('Re-run Failed', () => {
  const code = useVSCode({ workspace: EXAMPLES, vsix: findVsix() });

  /** Starts `flaky` from the palette with the flag there; resolves once it has failed. */
  async function failingRun(vscode: VSCode, runs: number): Promise<string> {
    fs.writeFileSync(path.join(vscode.workspace, 'fail.flag'), '');
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('flaky');
    const ids = await finishedRuns(vscode, 'flaky', runs);
    assert.equal(rerunOf(vscode, ids.at(-1)!).status, 'failed');
    return ids.at(-1)!;
  }

  code.test(
    'from the end-of-run notification: only the failed task and its dependents run, the others are reused',
    async (vscode) => {
      fs.writeFileSync(path.join(vscode.workspace, 'src', 'job', 'task', 'flaky.ts'), FLAKY_TS);
      fs.writeFileSync(path.join(vscode.workspace, 'configs', 'a-flaky.job.json'), JSON.stringify(FLAKY, null, 2));
      await vscode.waitForTreeItems(VIEW, (r) => rowsOf(r, 'flaky').some((x) => x.label === 'Flaky'));

      const failed = await failingRun(vscode, 1);
      const toast = await vscode.waitForNotification(/flaky failed: Flaky/, 60_000);
      assert.deepEqual(toast.buttons, ['Show Run', 'Show Log', 'Re-run', 'Re-run Failed']);
      fs.rmSync(path.join(vscode.workspace, 'fail.flag'));
      await vscode.clickNotificationButton(/flaky failed: Flaky/, 'Re-run Failed');

      const rerun = (await finishedRuns(vscode, 'flaky', 2)).at(-1)!;
      assert.deepEqual(rerunOf(vscode, rerun), {
        from: failed,
        startedTasks: ['Flaky', 'Task4'],
        reused: { Task1: ['succeeded', failed], Task3: ['succeeded', failed] },
        status: 'succeeded',
      });
      await vscode.waitForNotification(/flaky succeeded in \d/);
      // The tree tells the reused tasks from those that ran.
      const short = failed.slice(failed.lastIndexOf('-') + 1);
      const rows = await vscode.waitForTreeItems(VIEW, (r) => rowsOf(r, 'flaky').some((x) => x.label === 'Task4' && x.icon === 'pass'));
      const tasks = Object.fromEntries(
        rowsOf(rows, 'flaky')
          .filter((r) => r.level === 4)
          .map((r) => [r.label, r.description]),
      );
      assert.equal(tasks.Task1, `succeeded · reused from ${short}`);
      assert.equal(tasks.Task3, `succeeded · reused from ${short}`);
      assert.match(tasks.Flaky, /^succeeded · \d/);
      assert.match(tasks.Task4, /^succeeded · \d/);
    },
    { timeout: 240_000 },
  );

  code.test(
    'from the Run view: its button on the failed run, and the reused tasks marked on the graph',
    async (vscode) => {
      const failed = await failingRun(vscode, 3);
      await vscode.clickNotificationButton(/flaky failed: Flaky/, 'Show Run');
      let frame = await vscode.webviewFrame('.fa-rerun-failed:not([hidden])');
      await waitUntil(
        'the failed run in the Run view',
        () => frame.evaluate<string>("document.querySelector('.fa-run-badge').title"),
        (title) => title === `run ${failed}`,
      );
      fs.rmSync(path.join(vscode.workspace, 'fail.flag'));
      await frame.click('.fa-rerun-failed');

      const rerun = (await finishedRuns(vscode, 'flaky', 4)).at(-1)!;
      assert.deepEqual(rerunOf(vscode, rerun), {
        from: failed,
        startedTasks: ['Flaky', 'Task4'],
        reused: { Task1: ['succeeded', failed], Task3: ['succeeded', failed] },
        status: 'succeeded',
      });
      // The view follows the re-run (a run of its job takes the panel over): reused tasks say so.
      const short = failed.slice(failed.lastIndexOf('-') + 1);
      const metas = await waitUntil(
        'the re-run in the Run view',
        async () => {
          frame = await vscode.webviewFrame('.fa-node[data-task]');
          return frame.evaluate<Record<string, string>>(
            `Object.fromEntries([...document.querySelectorAll('.fa-node[data-task]')].map((e) => [e.dataset.task, e.dataset.status + ' ' + e.querySelector('.fa-meta').textContent]))`,
          );
        },
        (m) => Object.values(m).length === 4 && Object.values(m).every((s) => s.startsWith('succeeded')),
        60_000,
      );
      assert.equal(metas.Task1, `succeeded reused · ${short}`);
      assert.equal(metas.Task3, `succeeded reused · ${short}`);
      assert.match(metas.Flaky, /^succeeded attempt 1 · /);
      assert.equal(await frame.evaluate<boolean>("document.querySelector('.fa-rerun-failed').hidden"), true, 'nothing to re-run in a run that succeeded');
    },
    { timeout: 240_000 },
  );

  code.test(
    'a reused task whose module changed since is refused with the reason, and "Run anyway" reuses it all the same',
    async (vscode) => {
      const failed = await failingRun(vscode, 5);
      fs.rmSync(path.join(vscode.workspace, 'fail.flag'));
      fs.appendFileSync(path.join(vscode.workspace, 'src', 'job', 'task', 'task1.ts'), '// changed\n');
      await vscode.clickNotificationButton(/flaky failed: Flaky/, 'Re-run Failed');
      // Every notification up until the refusal: a refused re-run never started, so it shows no progress.
      const seen = new Set<string>();
      const refused = /flaky can't re-run: .*task1\.ts \(Task1's module\) changed since run/;
      const shown = await waitUntil(
        'the refusal',
        async () => {
          const all = await vscode.notifications();
          for (const n of all) seen.add(n.message);
          return all;
        },
        (all) => all.some((n) => refused.test(n.message)),
      );
      assert.deepEqual(shown.find((n) => refused.test(n.message))?.buttons, ['Run anyway']);
      assert.deepEqual(
        [...seen].filter((m) => /^FastAsyncio: flaky: \d+\/\d+ tasks/.test(m)),
        [],
        'no progress notification for a re-run that did not start',
      );
      assert.equal(runsOf(vscode, 'flaky').length, 5, 'nothing ran, nothing was recorded');

      await vscode.clickNotificationButton(/flaky can't re-run/, 'Run anyway');
      const forced = (await finishedRuns(vscode, 'flaky', 6)).at(-1)!;
      assert.deepEqual(rerunOf(vscode, forced), {
        from: failed,
        startedTasks: ['Flaky', 'Task4'],
        reused: { Task1: ['succeeded', failed], Task3: ['succeeded', failed] },
        status: 'succeeded',
      });
      assert.equal((record(vscode, forced)[0] as { rerun?: { force?: boolean } }).rerun?.force, true);
    },
    { timeout: 240_000 },
  );

  code.test(
    '"Run Task" in the Run view runs just that task, with its inputs from the run shown',
    async (vscode) => {
      const [shown] = runsOf(vscode, 'flaky').slice(-1);
      // "Show Run" from the palette: this window's last run (several "flaky succeeded" notifications may be up).
      await vscode.runCommand('FastAsyncio: Show Run');
      let frame = await vscode.webviewFrame('.fa-node[data-task]');
      await waitUntil(
        'the last run in the Run view',
        () => frame.evaluate<string>("document.querySelector('.fa-run-badge').title"),
        (title) => title === `run ${shown}`,
      );
      await frame.click('[data-task="Task4"]');
      frame = await vscode.webviewFrame('.fa-run-task');
      await frame.click('.fa-run-task');

      const only = (await finishedRuns(vscode, 'flaky', 7)).at(-1)!;
      const events = record(vscode, only);
      assert.deepEqual((events[0] as { rerun?: unknown }).rerun, { from: shown, only: ['Task4'] });
      assert.deepEqual(rerunOf(vscode, only).startedTasks, ['Task4'], 'only Task4 ran');
      assert.equal(rerunOf(vscode, only).status, 'succeeded');
      // Its real inputs: the results of its dependencies in the run shown.
      assert.ok(events.some((e) => e.type === 'task-log' && e.task === 'Task4' && e.message === 'Task4 started with inputs from [Flaky, Task3]'));
    },
    { timeout: 240_000 },
  );
});
