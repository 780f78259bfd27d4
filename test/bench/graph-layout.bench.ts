/**
 * `npm run bench:graph`: lays out job graphs of 100, 1,000 and 10,000 tasks (layers about √n wide, each
 * task after 2 or 3 tasks of the one or two layers before it: test/view/synthetic.ts) with each candidate,
 * then times "Show Job Graph": the host's model and page (Node), and the page in Chromium from navigation
 * to the first view drawn and to every node drawn, without a run and with one.
 *
 * Candidates: @dagrejs/dagre (MIT) as it comes (it ranks the graph itself, network simplex), dagre given
 * the plan's stages as ranks (what engine/view/layout.ts does up to DAGRE_MAX_TASKS), elkjs's layered
 * algorithm (EPL-2.0, measured only: it is installed into .cache/bench on first run, never a dependency),
 * and the `layered` layout of layout.ts (the plan's columns, barycenter ordering, linear coordinates).
 * Each measure runs in a process of its own, stopped past BENCH_LAYOUT_CAP_MS (default 60,000 ms); a
 * candidate that runs out of time at one size is not tried at the larger ones.
 *
 * BENCH_SIZES (default 100,1000,10000), BENCH_LAYOUT_CAP_MS, BENCH_BROWSER=0 (layouts only).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JobModel } from '../../engine/config/types';
import { applyEvents } from '../../engine/view/fold';
import { jobViewModel } from '../../engine/view/from-job';
import { DAGRE_MAX_TASKS, layoutGraph } from '../../engine/view/layout';
import type { ViewTask } from '../../engine/view/model';
import { newNonce, renderPage } from '../../engine/view/page';
import { chromiumMissing, openChromium } from '../view/browser';
import { layeredTasks, syntheticRun } from '../view/synthetic';

const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const CAP_MS = Number(process.env.BENCH_LAYOUT_CAP_MS ?? 60_000);
const ROOT = path.resolve(__dirname, '../..');
const CACHE = path.join(ROOT, '.cache', 'bench');
const ELK_VERSION = '0.12.1';

const CANDIDATES = {
  'dagre, its own ranking': 'MIT',
  'dagre, the plan as ranks': 'MIT',
  'elkjs layered': 'EPL-2.0',
  'layered (plan)': 'ours',
} as const;
type Candidate = keyof typeof CANDIDATES;

/** The part of dagre's API used for its own ranking (its ES module declarations do not load from here). */
interface Dagre {
  graphlib: {
    Graph: new () => {
      setGraph(label: object): void;
      setDefaultEdgeLabel(label: () => object): void;
      setNode(id: string, label: object): void;
      setEdge(from: string, to: string): void;
    };
  };
  layout(graph: object): void;
}

/** In the child: one candidate on one size, warmed up on a small graph; prints the milliseconds (median of up to 3). */
async function measure(candidate: Candidate, n: number): Promise<void> {
  const run = async (tasks: ViewTask[]) => {
    const started = performance.now();
    await layOut(candidate, tasks);
    return performance.now() - started;
  };
  await run(layeredTasks(50));
  const tasks = layeredTasks(n);
  const times = [await run(tasks)];
  while (times.length < 3 && times.reduce((a, b) => a + b, 0) < 2_000) times.push(await run(tasks));
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ ms: times[Math.floor(times.length / 2)] }));
}

async function layOut(candidate: Candidate, tasks: ViewTask[]): Promise<void> {
  switch (candidate) {
    case 'dagre, the plan as ranks':
      layoutGraph(tasks, 'dagre');
      return;
    case 'layered (plan)':
      layoutGraph(tasks, 'layered');
      return;
    case 'dagre, its own ranking': {
      const dagre = require('@dagrejs/dagre') as Dagre;
      const g = new dagre.graphlib.Graph();
      g.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 72 });
      g.setDefaultEdgeLabel(() => ({}));
      for (const t of tasks) g.setNode(t.id, { width: 184, height: 44 });
      for (const t of tasks) for (const d of t.dependencies) g.setEdge(d, t.id);
      dagre.layout(g);
      return;
    }
    case 'elkjs layered': {
      const ELK = require(path.join(CACHE, 'node_modules', 'elkjs', 'lib', 'elk.bundled.js')) as new () => { layout(graph: object): Promise<unknown> };
      await new ELK().layout({
        id: 'root',
        layoutOptions: { 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' },
        children: tasks.map((t) => ({ id: t.id, width: 184, height: 44 })),
        edges: tasks.flatMap((t) => t.dependencies.map((d, k) => ({ id: `${t.id}.${k}`, sources: [d], targets: [t.id] }))),
      });
      return;
    }
  }
}

/** A measure's outcome: milliseconds, out of time, failed (its error), or not tried. */
type Outcome = number | 'timeout' | { error: string } | 'skipped';

/** A measure in a child process. */
function measured(candidate: Candidate, n: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--child', candidate, String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CAP_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve('timeout');
      if (code !== 0) return resolve({ error: /^\w*Error: .*$/m.exec(err)?.[0] ?? `exit ${code}` });
      resolve((JSON.parse(out) as { ms: number }).ms);
    });
  });
}

/** elkjs for the comparison only, into .cache/bench (git-ignored); false when it cannot be had. */
function elkInstalled(): boolean {
  if (fs.existsSync(path.join(CACHE, 'node_modules', 'elkjs'))) return true;
  fs.mkdirSync(CACHE, { recursive: true });
  const manifest = path.join(CACHE, 'package.json');
  if (!fs.existsSync(manifest))
    fs.writeFileSync(
      manifest,
      '{ "name": "fastasyncio-bench-cache", "private": true, "description": "git-ignored; written by test/bench/graph-layout.bench.ts" }\n',
    );
  console.log(`installing elkjs@${ELK_VERSION} into ${path.relative(ROOT, CACHE)} (measured only: EPL-2.0)`);
  const npm = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `elkjs@${ELK_VERSION}`], {
    cwd: CACHE,
    stdio: 'inherit',
  });
  return npm.status === 0;
}

const time = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function cell(outcome: Outcome): string {
  if (typeof outcome === 'number') return time(outcome);
  if (outcome === 'timeout') return `> ${CAP_MS / 1000} s`;
  if (outcome === 'skipped') return '(not tried)';
  return `fails: ${outcome.error}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function layouts(): Promise<void> {
  const candidates = (Object.keys(CANDIDATES) as Candidate[]).filter((c) => c !== 'elkjs layered' || elkInstalled());
  const results = new Map<Candidate, Outcome[]>();
  for (const candidate of candidates) {
    const row: Outcome[] = [];
    for (const n of SIZES) {
      const given = row.some((outcome) => typeof outcome !== 'number');
      row.push(given ? 'skipped' : await measured(candidate, n));
      console.log(`  ${candidate}, ${n} tasks: ${cell(row[row.length - 1])}`);
    }
    results.set(candidate, row);
  }
  console.log(`\nLayout time (median of up to 3, after a warm-up; ${os.cpus().length} cores, Node ${process.versions.node})\n`);
  console.log(
    table(
      ['candidate (licence)', ...SIZES.map((n) => `${n} tasks`)],
      [...results].map(([c, row]) => [`${c} (${CANDIDATES[c]})`, ...row.map(cell)]),
    ),
  );
  console.log(
    `\nChosen: dagre with the plan's stages as ranks up to ${DAGRE_MAX_TASKS} tasks (it orders columns to cross fewer edges and routes\n` +
      'edges around nodes), the layered layout past that (the same columns, linear time). elkjs is not used: slower than\n' +
      'dagre here, about 1.6 MB minified, and EPL-2.0 (weak copyleft: its source must be offered with the extension).',
  );
}

/** The job of a synthetic graph, as the analysis models it (what the host builds the view from). */
function jobOf(tasks: readonly ViewTask[]): JobModel {
  return {
    name: 'synthetic',
    handler: 'GenericJobHandler',
    handlerClass: 'GenericJobHandler',
    onFailure: 'continue',
    index: 0,
    tasks: tasks.map((t, index) => ({ id: t.id, className: t.className, dependencies: t.dependencies, params: {}, retries: 0, retryDelay: 0, index })),
  };
}

/** The median of a few runs of `f`, in milliseconds. */
function timed(f: () => unknown, runs = 3): number {
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const started = performance.now();
    f();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/**
 * What "Show Job Graph" costs, host and page: the host builds the view model of the job and the page
 * (Node), then Chromium draws it, from navigation to the first view painted and to every node in the
 * page; without a run (as the panel opens) and with a finished one.
 */
async function browser(): Promise<void> {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`\nBrowser timings skipped: ${missing}`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-graph-bench-'));
  const chromium = await openChromium();
  const rows: string[][] = [];
  try {
    for (const n of SIZES) {
      const tasks = layeredTasks(n);
      const job = jobOf(tasks);
      const host = timed(() => renderPage(jobViewModel(job), { nonce: newNonce() }));
      for (const withRun of [false, true]) {
        const model = jobViewModel(job);
        if (withRun) applyEvents(model, syntheticRun(model.tasks));
        const file = path.join(dir, `graph-${n}${withRun ? '-run' : ''}.html`);
        fs.writeFileSync(file, renderPage(model, { nonce: newNonce() }));
        const samples: { drawn: number; complete: number; layout: number; engine: string }[] = [];
        for (let k = 0; k < 3; k++) {
          const page = await chromium.newPage({ viewport: { width: 1400, height: 900 } });
          await page.goto(`file://${file}`);
          await page.waitForSelector('html[data-complete]', { timeout: 120_000 });
          samples.push(
            await page.evaluate(
              `(() => { const d = document.documentElement.dataset, m = performance.getEntriesByName('fastasyncio:complete')[0]; return { drawn: Number(d.drawnMs), complete: m.startTime, layout: Number(d.layoutMs), engine: d.layoutEngine }; })()`,
            ),
          );
          await page.close();
        }
        const median = (key: 'drawn' | 'complete' | 'layout') => samples.map((x) => x[key]).sort((a, b) => a - b)[1];
        rows.push([
          `${n} tasks${withRun ? ', a run' : ''}`,
          `${(fs.statSync(file).size / 1024).toFixed(0)} KB`,
          withRun ? '' : time(host),
          `${samples[0].engine} ${time(median('layout'))}`,
          time(median('drawn')),
          time(Math.max(median('complete'), median('drawn'))),
        ]);
        console.log(`  page of ${n} tasks${withRun ? ' with a run' : ''}: first view ${time(median('drawn'))}`);
      }
    }
  } finally {
    await chromium.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('\nShow Job Graph: the host builds the model and the page, Chromium draws it (median of 3 loads, from navigation start)\n');
  console.log(table(['graph', 'page', 'host: model + page', 'layout in the page', 'first view drawn', 'every node in the page'], rows));
}

async function main(): Promise<void> {
  const [flag, candidate, n] = process.argv.slice(2);
  if (flag === '--child') return measure(candidate as Candidate, Number(n));
  console.log(`Layouts of ${SIZES.join(', ')} tasks, each capped at ${CAP_MS / 1000} s`);
  await layouts();
  if (process.env.BENCH_BROWSER !== '0') await browser();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
