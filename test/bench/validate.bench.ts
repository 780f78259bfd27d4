/**
 * `npm run bench:validate`: the full analysis of a generated job config (1,000, 10,000 and 100,000 tasks)
 * against vscode-json-languageservice (parse + `doValidation` with configs/schema.json) on the same text,
 * in one process, each side's runs in a phase of their own after a full collection. For each size: the medians, `JSON.parse` alone for orientation, and the ratio (ours /
 * theirs); then how our time grows from 10,000 to 100,000 tasks beside how `JSON.parse`'s does.
 * Targets (issue 15): ratio ≤ 0.30 at 1,000 tasks, ≤ 0.15 at 10,000, and the 100,000-task time at most
 * 11× the 10,000-task time (linear, give or take what a heap ten times larger costs).
 * A benchmark, not a test: it asserts only that both sides found each config clean, so that neither is
 * timed on an early exit.
 *
 * Options: --tasks N,N,… (default 1000,10000,100000), --runs N (default by size: 41, 15, 7),
 * --warmup N (default 5; 2 at 100,000 tasks).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { TextDocument } from 'vscode-json-languageservice';
import { analyzeConfig } from '../../engine/analysis/analyze';
import { memoryFiles } from '../../engine/files';
import { jsonValidator } from './json-peer';
import { fmt, list, median, type Row, ratioOf, table } from './report';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000,10000,100000' },
    runs: { type: 'string' },
    warmup: { type: 'string' },
  },
});
const SIZES = values.tasks.split(',').map(Number);
/** Fewer runs for bigger configs: the peer takes seconds a run at 100,000 tasks. */
const runsFor = (n: number) => (values.runs ? Number(values.runs) : n <= 1_000 ? 41 : n <= 10_000 ? 15 : 7);
const warmupFor = (n: number) => (values.warmup ? Number(values.warmup) : n <= 10_000 ? 5 : 2);

const TARGET_RATIO: Record<number, number | undefined> = { 1_000: 0.3, 10_000: 0.15 };
const TARGET_GROWTH = 11;

const ROOT = '/bench';
const CONFIG = `${ROOT}/configs/job_config.json`;
const TASK_DIR = `${ROOT}/src/job/task`;
const HANDLER_DIR = `${ROOT}/src/joborchrestrator/handler`;
/** Tasks per layer; each task past the first layer depends on three tasks of the layer before. */
const WIDTH = 100;

const taskName = (i: number) => `Task${String(i).padStart(5, '0')}`;

/** A layered graph: task i of layer L depends on tasks i, i+1 and i+2 (mod WIDTH) of layer L-1. */
function generateConfig(n: number): string {
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / WIDTH);
    const column = i % WIDTH;
    const task: Record<string, unknown> = { name: taskName(i) };
    if (layer > 0) {
      task.dependencies = [0, 1, 2].map((k) => taskName((layer - 1) * WIDTH + ((column + k) % WIDTH)));
    }
    task.params = { n: i };
    tasks.push(task);
  }
  const config = {
    jobs: [
      {
        name: 'bench',
        handler: 'bench_handler.BenchHandler',
        description: `A generated job of ${n} tasks in layers of ${WIDTH}.`,
        maxConcurrency: 16,
        onFailure: 'continue',
        tasks,
      },
    ],
  };
  return JSON.stringify(config, null, 2);
}

function generateProject(n: number) {
  const files = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const name = taskName(i);
    files.set(
      `${TASK_DIR}/${name.toLowerCase()}.ts`,
      `import { BaseTask, type TaskContext } from 'fastasyncio';\n\nexport class ${name} extends BaseTask {\n  async execute(input: Record<string, unknown>, ctx: TaskContext): Promise<unknown> {\n    return { task: ctx.task, inputs: Object.keys(input).length };\n  }\n}\n`,
    );
  }
  files.set(`${HANDLER_DIR}/bench_handler.ts`, `import { GenericJobHandler } from 'fastasyncio';\n\nexport class BenchHandler extends GenericJobHandler {}\n`);
  return memoryFiles(files);
}

const validate = jsonValidator();

interface Figures {
  ours: number;
  theirs: number;
  parse: number;
}

/** Medians of the three timings on a config of `n` tasks. */
async function measure(n: number): Promise<Figures> {
  const text = generateConfig(n);
  const files = generateProject(n);
  const ours = () => analyzeConfig(text, { file: CONFIG, files }).problems.length;
  const theirs = async () => {
    const document = TextDocument.create(`file://${CONFIG}`, 'json', 1, text);
    return validate(document);
  };
  const parseOnly = () => (JSON.parse(text) as { jobs: unknown[] }).jobs.length;

  // Both sides must find the generated config clean, or the comparison means nothing.
  const ourProblems = ours();
  const theirProblems = await theirs();
  if (ourProblems !== 0 || theirProblems !== 0) {
    const first = analyzeConfig(text, { file: CONFIG, files }).problems.slice(0, 3);
    throw new Error(`the generated config is not clean: ours ${ourProblems} problems, theirs ${theirProblems} ${JSON.stringify(first)}`);
  }

  const runs = runsFor(n);
  const warmup = warmupFor(n);
  const samples = { ours: [] as number[], theirs: [] as number[], parse: [] as number[] };
  // Each side's runs one after the other, after a full collection (`--expose-gc`): a side then pays for
  // its own garbage only (the peer's syntax tree of a 100,000-task config is hundreds of MB), in a heap
  // in the steady state of its own runs, as in an editor that validates a config again and again.
  const collect = () => (globalThis as { gc?: () => void }).gc?.();
  const time = async (f: () => unknown, into: number[]) => {
    collect();
    for (let i = 0; i < warmup; i++) await f();
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await f();
      into.push(performance.now() - t);
    }
  };
  await time(ours, samples.ours);
  await time(theirs, samples.theirs);
  await time(parseOnly, samples.parse);

  const figures = { ours: median(samples.ours), theirs: median(samples.theirs), parse: median(samples.parse) };
  const ratios = samples.ours.map((x, i) => x / samples.theirs[i]);
  const lines = text.split('\n').length;
  console.log(`\n${n} tasks: ${(text.length / 1e6).toFixed(2)} MB, ${lines} lines, ${files.readDir(TASK_DIR)?.length} task modules`);
  console.log(`runs: ${runs} (after ${warmup} warm-up runs), medians:`);
  console.log(`  analyzeConfig (ours):                    ${fmt(figures.ours, 1)} ms`);
  console.log(`  vscode-json-languageservice (theirs):    ${fmt(figures.theirs, 1)} ms`);
  console.log(`  JSON.parse alone (orientation):          ${fmt(figures.parse, 1)} ms`);
  console.log(`ratio ours/theirs: ${fmt(figures.ours / figures.theirs, 2)} (each run's: ${list(ratios, 2)})`);
  return figures;
}

async function main() {
  const rows: Row[] = [];
  const bySize = new Map<number, Figures>();
  for (const n of SIZES) {
    const figures = await measure(n);
    bySize.set(n, figures);
    const ratio = figures.ours / figures.theirs;
    const target = TARGET_RATIO[n];
    rows.push({
      measure: `${n} tasks: analyzeConfig, median (ms)`,
      ours: fmt(figures.ours, 1),
      peer: { name: 'vscode-json-languageservice', value: fmt(figures.theirs, 1) },
      ratio: ratioOf(figures.ours, figures.theirs, 3),
      target: target === undefined ? '' : `≤ ${target}×`,
      met: target === undefined ? undefined : ratio <= target,
    });
  }
  const small = bySize.get(10_000);
  const large = bySize.get(100_000);
  if (small && large) {
    const growth = large.ours / small.ours;
    console.log(`\ngrowth from 10,000 to 100,000 tasks: ours ${fmt(growth, 1)}×, JSON.parse alone ${fmt(large.parse / small.parse, 1)}×`);
    // The peer here is JSON.parse's own growth on the same texts, in the same run: what the heap of a
    // config ten times larger costs any analysis that parses it.
    const parseGrowth = large.parse / small.parse;
    rows.push({
      measure: 'growth of the time, 10,000 → 100,000 tasks',
      ours: `${fmt(growth, 1)}×`,
      peer: { name: 'JSON.parse alone', value: `${fmt(parseGrowth, 1)}×` },
      ratio: ratioOf(growth, parseGrowth),
      target: `≤ ${TARGET_GROWTH}× (ours)`,
      met: growth <= TARGET_GROWTH,
    });
  }
  table(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
