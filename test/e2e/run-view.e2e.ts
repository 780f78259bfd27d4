// The Run view in a real VS Code (code-server): "Show Job Graph" opens a panel with job1's task graph,
// its nodes follow a run of the job live (small messages: the same node elements, no second layout), and
// selecting a node shows the task's result.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe } from 'node:test';
import { type Frame, type VSCode, waitUntil } from './harness';
import { findVsix, ROOT, useVSCode } from './run';

const EXAMPLES = path.join(ROOT, 'examples');
const NODE = '.fa-node[data-task]';
/** The jobs view's name. */
const VIEW = 'FastAsyncio';

/** The graph's nodes as `[task, status]`, in the page's order. */
function nodes(frame: Frame): Promise<[string, string][]> {
  return frame.evaluate(`[...document.querySelectorAll(${JSON.stringify(NODE)})].map((e) => [e.getAttribute('data-task'), e.getAttribute('data-status')])`);
}

/** The Run view's page (read again each time: a webview shown again is a new frame). */
function runView(vscode: VSCode): Promise<Frame> {
  return vscode.webviewFrame(NODE);
}

describe('the Run view', () => {
  const code = useVSCode({ workspace: EXAMPLES, vsix: findVsix() });
  /** The badge's title of the run followed live (`run <id>`). */
  let liveRun = '';

  code.test('"Show Job Graph" opens the view for job1: one node per task, all pending', async (vscode) => {
    await vscode.runCommand('FastAsyncio: Show Job Graph');
    await vscode.pickQuickItem('job1');
    const frame = await runView(vscode);
    const shown = await waitUntil(
      'the 4 tasks of job1',
      () => nodes(frame),
      (n) => n.length === 4,
    );
    assert.deepEqual(
      shown.sort(([a], [b]) => a.localeCompare(b)),
      [
        ['Task1', 'pending'],
        ['Task2', 'pending'],
        ['Task3', 'pending'],
        ['Task4', 'pending'],
      ],
    );
    // Drawn with the editor's theme, under the page's own Content Security Policy.
    const page = await frame.evaluate<{ csp: string; title: string; background: string }>(
      `({ csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content, title: document.querySelector('h1').textContent,
          background: getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background') })`,
    );
    assert.match(page.csp, /default-src 'none'; script-src 'nonce-[^']+'/);
    assert.equal(page.title, 'job1');
    assert.notEqual(page.background.trim(), '', "VS Code's theme colours reach the page");
  });

  code.test('during a run of job1 the nodes change status, without a new layout or new node elements', async (vscode) => {
    let frame = await runView(vscode);
    await frame.evaluate(`document.querySelector('[data-task="Task4"]').__probe = 1`);
    const layouts = await frame.evaluate<number>("performance.getEntriesByName('fastasyncio:layout').length");
    await vscode.runCommand('FastAsyncio: Run Job');
    await vscode.pickQuickItem('job1');
    const seen = new Set<string>();
    const final = await waitUntil(
      'every task of job1 to succeed in the Run view',
      async () => {
        frame = await runView(vscode);
        const now = await nodes(frame);
        for (const [task, status] of now) seen.add(`${task} ${status}`);
        return now;
      },
      (now) => now.length === 4 && now.every(([, status]) => status === 'succeeded'),
      60_000,
    );
    assert.equal(final.length, 4);
    // The tasks take a second each: the view showed them running on the way.
    assert.ok(
      [...seen].some((s) => s.endsWith(' running')),
      `a task seen running: ${[...seen].join(', ')}`,
    );
    assert.equal(await frame.evaluate('document.querySelector(\'[data-task="Task4"]\').__probe'), 1, 'the same node elements');
    assert.equal(await frame.evaluate<number>("performance.getEntriesByName('fastasyncio:layout').length"), layouts, 'no new layout');
    const badge = await waitUntil(
      'the run badge to say succeeded',
      () => frame.evaluate<string>("document.querySelector('.fa-run-badge').textContent"),
      (t) => t.startsWith('succeeded'),
    );
    assert.match(badge, /^succeeded · /);
    liveRun = await frame.evaluate<string>("document.querySelector('.fa-run-badge').title");
    assert.match(liveRun, /^run \S+$/);
  });

  code.test('selecting a node shows its result', async (vscode) => {
    const frame = await runView(vscode);
    await frame.click('[data-task="Task4"]');
    const details = await waitUntil(
      "Task4's details with its result",
      () => frame.evaluate<string>("document.querySelector('.fa-details')?.innerText ?? ''"),
      (t) => /\bResult\b/i.test(t) && t.includes('"value": 4'),
    );
    assert.match(details, /^Task4\b/m);
    assert.match(details, /"task": "Task4"/);
    assert.match(details, /"receivedFrom": \[\s*"Task2",\s*"Task3"\s*\]/);
    // Its input is its dependencies' results; its log has the line it wrote.
    assert.match(details, /"value": 2/);
    assert.match(details, /Task4 started with inputs from \[Task2, Task3\]/);
    assert.equal(await frame.evaluate<boolean>("document.querySelector('[data-task=\"Task4\"]').classList.contains('fa-selected')"), true);
  });

  code.test('a past run opens the same way from its record: the tree\'s run item, "Show Run"', async (vscode) => {
    await vscode.runCommand('View: Close All Editors');
    await waitUntil(
      'the Run view to close',
      async () => {
        const frames = vscode.page.frames().filter((f) => !f.isDetached());
        const shown = await Promise.all(frames.map((f) => f.evaluate<boolean>(`document.querySelector(${JSON.stringify(NODE)}) !== null`).catch(() => false)));
        return shown.filter(Boolean).length;
      },
      (n) => n === 0,
    );
    const rows = await vscode.waitForTreeItems(VIEW, (items) => items.some((i) => /^Run \d/.test(i.label)));
    const run = rows.find((i) => /^Run \d/.test(i.label))!;
    await vscode.clickTreeItem(VIEW, run.label, 'right');
    await vscode.pickMenuItem('Show Run');
    const frame = await runView(vscode);
    const shown = await waitUntil(
      'the recorded run over the graph',
      () => nodes(frame),
      (n) => n.length === 4 && n.every(([, s]) => s === 'succeeded'),
    );
    assert.equal(shown.length, 4);
    assert.equal(await frame.evaluate<string>("document.querySelector('.fa-run-badge').title"), liveRun, 'the run just run, read from its record');
  });
});
