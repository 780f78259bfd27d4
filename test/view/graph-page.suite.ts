import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { RunSummary } from '../../engine/run/events';
import { applyEvents } from '../../engine/view/fold';
import { taskStatus } from '../../engine/view/model';
import { newNonce, renderPage } from '../../engine/view/page';
import { cli } from '../helpers/cli';
import { taskModule, type TempProject, tempProject } from '../helpers/project';
import { chromiumMissing, type GraphBrowser, type GraphPage, openChromium } from './browser';
import { syntheticModel, syntheticRun } from './synthetic';

/**
 * The graph page in Debian's Chromium: a job run by the CLI (a task that fails, one retried, one timed
 * out, one skipped), drawn by `fastasyncio graph --format html --run`. `npm test` runs it where Chromium
 * and playwright-core are installed (test/e2e/setup.sh) and skips it, saying why, where they are not; the
 * end-to-end run (`npm run test:e2e`, after setup.sh) requires them.
 */
export function graphPageSuite(options: { required: boolean }): void {
  const missing = chromiumMissing();
  const skip = missing && !options.required ? `Chromium is not available: ${missing}` : false;

  describe('the graph page in Chromium', { skip }, () => {
    let browser: GraphBrowser;
    let project: TempProject;
    let summary: RunSummary;
    let pageFile: string;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-graph-page-'));

    before(async () => {
      if (missing) throw new Error(`the end-to-end tests need Chromium: ${missing}`);
      browser = await openChromium();
      project = tempProject(
        {
          jobs: [
            {
              name: 'job1',
              handler: 'GenericJobHandler',
              tasks: [
                { name: 'Fetch', task: 'Work', params: { ms: 50 } },
                { name: 'Flaky', dependencies: ['Fetch'], retries: 2, retryDelay: 0.05 },
                { name: 'Slow', task: 'Work', params: { ms: 5000 }, timeout: 0.2, retries: 1, retryDelay: 0.05 },
                { name: 'Boom', dependencies: ['Fetch'] },
                { name: 'After', task: 'Work', dependencies: ['Boom'], params: { ms: 1 } },
                { name: 'Join', task: 'Work', dependencies: ['Flaky', 'Fetch'], params: { ms: 10 } },
              ],
            },
          ],
        },
        {
          ...taskModule(
            'Work',
            "    ctx.log('working');\n    await sleep(ctx.params.ms, ctx.signal);\n    return { task: ctx.task, inputs: Object.keys(input) };",
          ),
          ...taskModule(
            'Flaky',
            "    console.log('attempt ' + ctx.attempt);\n    if (ctx.attempt === 1) throw new Error('flaky the first time');\n    return 'ok';",
          ),
          ...taskModule('Boom', "    throw new TypeError('boom');"),
        },
      );
      const run = await cli(['run', project.configFile, 'job1', '--format', 'json']);
      assert.equal(run.code, 1, run.stderr);
      summary = JSON.parse(run.stdout) as RunSummary;
      pageFile = path.join(dir, 'graph.html');
      const graph = await cli(['graph', project.configFile, 'job1', '--format', 'html', '--run', summary.runId, '--out', pageFile]);
      assert.equal(graph.code, 0, graph.stderr);
    });

    after(async () => {
      await browser?.close();
      project?.remove();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A page of the file, with every request and CSP violation recorded (and any request but the page's own refused). */
    async function open(file: string, init = ''): Promise<{ page: GraphPage; requests: string[]; refused: string[]; errors: string[] }> {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const url = pathToFileURL(file).href;
      const requests: string[] = [];
      const refused: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.route('**/*', async (route) => {
        if (route.request().url() === url) return route.continue();
        refused.push(route.request().url());
        await route.abort();
      });
      await page.addInitScript({
        content: `window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI)); ${init}`,
      });
      await page.goto(url);
      await page.waitForSelector('html[data-complete]', { timeout: 30_000 });
      return { page, requests, refused, errors };
    }

    /** Runs a check on a page, keeping a screenshot in test-results/ when it fails. */
    async function onPage<T>(name: string, page: GraphPage, check: () => Promise<T>): Promise<T> {
      try {
        return await check();
      } catch (error) {
        const shots = path.resolve(__dirname, '../../test-results');
        fs.mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: path.join(shots, `graph-page-${name}.png`) }).catch(() => undefined);
        throw error;
      } finally {
        await page.close();
      }
    }

    test("every task's node says the summary's status, and no request leaves the page", async () => {
      const { page, requests, refused, errors } = await open(pageFile);
      await onPage('statuses', page, async () => {
        const statuses = await page.evaluate<Record<string, string>>(
          "Object.fromEntries([...document.querySelectorAll('[data-task]')].map((e) => [e.getAttribute('data-task'), e.getAttribute('data-status')]))",
        );
        assert.deepEqual(statuses, Object.fromEntries(Object.entries(summary.tasks).map(([id, t]) => [id, t.status])));
        assert.deepEqual(
          Object.values(statuses).sort(),
          ['failed', 'skipped', 'succeeded', 'succeeded', 'succeeded', 'timedOut'],
          'the run has each kind of ending',
        );
        assert.deepEqual(requests, [pathToFileURL(pageFile).href], 'only the page itself was loaded');
        assert.deepEqual(refused, []);
        assert.deepEqual(await page.evaluate('window.__violations'), [], 'nothing broke the Content Security Policy');
        assert.deepEqual(errors, []);
      });
    });

    test('a task selected with the keyboard shows its attempts, error, input and result; Escape goes back', async () => {
      const { page } = await open(pageFile);
      await onPage('details', page, async () => {
        await page.focus('[data-task="Fetch"]');
        await page.keyboard.press('Enter');
        const title = () => page.evaluate<string>("document.querySelector('.fa-details h2').textContent");
        assert.equal(await title(), 'Fetch');
        // Along the edges to a dependent, then down its stage.
        await page.keyboard.press('ArrowRight');
        const focused = await page.evaluate<string>("document.activeElement.getAttribute('data-task')");
        assert.ok(['Flaky', 'Boom', 'Join'].includes(focused), focused);
        await page.focus('[data-task="Flaky"]');
        await page.keyboard.press('Enter');
        assert.equal(await title(), 'Flaky');
        const details = await page.evaluate<string>("document.querySelector('.fa-details').innerText");
        assert.match(details, /attempts \(2\)/i);
        assert.match(details, /flaky the first time/);
        assert.match(details, /"task": "Fetch"/, "the input: Fetch's result");
        assert.match(details, /attempt 1/, 'its log');
        await page.focus('[data-task="Boom"]');
        await page.keyboard.press('Enter');
        assert.match(await page.evaluate<string>("document.querySelector('.fa-details .fa-stack').textContent"), /at .*boom\.js/);
        await page.keyboard.press('Escape');
        assert.equal(await title(), 'job1', 'the run again');
        assert.equal(await page.evaluate<string>("document.activeElement.getAttribute('data-task')"), 'Boom', 'focus stays on the task');
        assert.equal((await page.evaluate<number>("document.querySelectorAll('.fa-node.fa-on-path').length")) > 0, true, 'the critical path is marked');
      });
    });

    test('the timeline: a bar per attempt, the retried and the timed-out ones marked', async () => {
      const { page } = await open(pageFile);
      await onPage('timeline', page, async () => {
        await page.click('[role=tab]:nth-child(2)');
        await page.waitForSelector('[data-timeline-task="Slow"]');
        const bars = await page.evaluate<Record<string, string[]>>(
          "Object.fromEntries([...document.querySelectorAll('[data-timeline-task]')].map((row) => [row.getAttribute('data-timeline-task'), [...row.querySelectorAll('.fa-tl-bar')].map((b) => b.getAttribute('data-outcome') + (b.classList.contains('fa-retried') ? ' retried' : ''))]))",
        );
        assert.deepEqual(bars.Flaky, ['failed retried', 'succeeded']);
        assert.deepEqual(bars.Slow, ['timedOut retried', 'timedOut']);
        assert.deepEqual(bars.Boom, ['failed']);
        assert.equal(bars.After, undefined, 'a skipped task never ran');
      });
    });

    test('live events change statuses without laying the graph out again; a hidden panel comes back as it was', async () => {
      const plain = path.join(dir, 'plain.html');
      const model = syntheticModel(12);
      fs.writeFileSync(plain, renderPage(model, { nonce: newNonce() }));
      const events = syntheticRun(model.tasks);
      // A stand-in for the webview's API: what the app posts and keeps.
      const host = `window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__saved, setState: (s) => { window.__state = s; } });`;
      const first = await open(plain, host);
      const state = await onPage('live', first.page, async () => {
        const { page } = first;
        assert.deepEqual(await page.evaluate('window.__posted'), [{ type: 'ready' }]);
        await page.evaluate('document.querySelector(\'[data-task="task_0"]\').__probe = 1');
        const layouts = await page.evaluate<number>("performance.getEntriesByName('fastasyncio:layout').length");
        const started = events.findIndex((e) => e.type === 'task-started' && e.task === 'task_0') + 1;
        await page.evaluate(`window.postMessage({ type: 'events', events: ${JSON.stringify(events.slice(0, started))} }, '*')`);
        await page.waitForSelector('[data-task="task_0"][data-status="running"]');
        for (const event of events.slice(started)) await page.evaluate(`window.postMessage({ type: 'event', event: ${JSON.stringify(event)} }, '*')`);
        const expected = applyEvents(syntheticModel(12), events);
        await page.waitForSelector(`[data-task="task_11"][data-status="${taskStatus(expected, 'task_11')}"]`);
        const statuses = await page.evaluate<string[]>("[...document.querySelectorAll('[data-task]')].map((e) => e.getAttribute('data-status'))");
        assert.deepEqual(
          statuses,
          expected.tasks.map((t) => taskStatus(expected, t.id)),
        );
        assert.equal(await page.evaluate('document.querySelector(\'[data-task="task_0"]\').__probe'), 1, 'the same node elements');
        assert.equal(await page.evaluate<number>("performance.getEntriesByName('fastasyncio:layout').length"), layouts, 'no layout');
        await page.click('[data-task="task_5"]');
        await page.waitForSelector('html[data-complete]');
        // The app keeps its UI state (debounced) for when the panel is shown again.
        for (let i = 0; i < 50 && !(await page.evaluate('window.__state?.selected')); i++) await new Promise((r) => setTimeout(r, 50));
        return page.evaluate<{ selected: string; layout?: unknown }>('window.__state');
      });
      assert.equal(state.selected, 'task_5');
      assert.ok(state.layout, 'a dagre layout is kept');
      const again = await open(plain, `${host} window.__saved = ${JSON.stringify(state)};`);
      await onPage('shown-again', again.page, async () => {
        assert.equal(await again.page.evaluate("document.querySelector('.fa-details h2').textContent"), 'task_5');
        assert.equal(await again.page.evaluate("document.querySelector('[data-task=\"task_5\"]').classList.contains('fa-selected')"), true);
        assert.equal(await again.page.evaluate('Number(document.documentElement.dataset.layoutMs) < 5'), true, 'the kept layout');
      });
    });

    test('1,000 tasks with a run: drawn within a generous bound, every node with its status', async () => {
      const model = syntheticModel(1000);
      applyEvents(model, syntheticRun(model.tasks));
      const file = path.join(dir, 'large.html');
      fs.writeFileSync(file, renderPage(model, { nonce: newNonce() }));
      const { page, errors } = await open(file);
      await onPage('large', page, async () => {
        const timing = await page.evaluate<{ drawn: number; complete: number; engine: string }>(
          "({ drawn: Number(document.documentElement.dataset.drawnMs), complete: performance.getEntriesByName('fastasyncio:complete')[0].startTime, engine: document.documentElement.dataset.layoutEngine })",
        );
        assert.equal(timing.engine, 'layered');
        assert.ok(timing.drawn < 10_000 && timing.complete < 15_000, JSON.stringify(timing));
        // A large graph's nodes come in view first: compared by task, not in the page's order.
        const statuses = await page.evaluate<[string, string][]>(
          "[...document.querySelectorAll('[data-task]')].map((e) => [e.getAttribute('data-task'), e.getAttribute('data-status')])",
        );
        assert.equal(statuses.length, 1000);
        assert.deepEqual(new Map(statuses), new Map(model.tasks.map((t) => [t.id, taskStatus(model, t.id)])));
        assert.deepEqual(errors, []);
      });
    });
  });
}
