/**
 * `npm run bench:validate`: the full analysis of a 10,000-task job config against
 * vscode-json-languageservice (parse + `doValidation` with configs/schema.json) on the same text, in one
 * process. Prints the medians, `JSON.parse` alone for orientation, and the ratio (ours / theirs).
 * Target: ratio ≤ 0.5. A benchmark, not a test: it asserts only that both sides found the config clean,
 * so that neither is timed on an early exit.
 *
 * Options: --tasks N (default 10000), --runs N (default 15), --warmup N (default 5).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getLanguageService, TextDocument } from 'vscode-json-languageservice';
import { analyzeConfig } from '../../engine/analysis/analyze';
import { configSchema } from '../../engine/analysis/schema';
import { memoryFiles } from '../../engine/files';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '5' },
  },
});
const TASKS = Number(values.tasks);
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);

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

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main() {
  const text = generateConfig(TASKS);
  const files = generateProject(TASKS);

  const service = getLanguageService({});
  service.configure({
    validate: true,
    allowComments: false,
    schemas: [{ uri: 'https://fastasyncio.dev/schema/job_config.json', fileMatch: ['*.json'], schema: configSchema }],
  });
  const settings = { comments: 'error', trailingCommas: 'error', schemaValidation: 'error', schemaRequest: 'error' } as const;

  const ours = () => analyzeConfig(text, { file: CONFIG, files }).problems.length;
  const theirs = async () => {
    const document = TextDocument.create(`file://${CONFIG}`, 'json', 1, text);
    const json = service.parseJSONDocument(document);
    return (await service.doValidation(document, json, settings)).length;
  };
  const parseOnly = () => (JSON.parse(text) as { jobs: unknown[] }).jobs.length;

  // Both sides must find the generated config clean, or the comparison means nothing.
  const ourProblems = ours();
  const theirProblems = await theirs();
  if (ourProblems !== 0 || theirProblems !== 0) {
    const first = analyzeConfig(text, { file: CONFIG, files }).problems.slice(0, 3);
    throw new Error(`the generated config is not clean: ours ${ourProblems} problems, theirs ${theirProblems} ${JSON.stringify(first)}`);
  }

  for (let i = 0; i < WARMUP; i++) {
    ours();
    await theirs();
    parseOnly();
  }
  const samples = { ours: [] as number[], theirs: [] as number[], parse: [] as number[] };
  // Interleaved, so that drift in the machine's speed falls on both sides alike.
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    ours();
    samples.ours.push(performance.now() - t);
    t = performance.now();
    await theirs();
    samples.theirs.push(performance.now() - t);
    t = performance.now();
    parseOnly();
    samples.parse.push(performance.now() - t);
  }

  const oursMedian = median(samples.ours);
  const theirsMedian = median(samples.theirs);
  const ratio = oursMedian / theirsMedian;
  const lines = text.split('\n').length;
  console.log(`config: ${TASKS} tasks, ${(text.length / 1e6).toFixed(2)} MB, ${lines} lines; ${files.readDir(TASK_DIR)?.length} task modules`);
  console.log(`runs: ${RUNS} (after ${WARMUP} warm-up runs), medians:`);
  console.log(`  analyzeConfig (ours):                    ${ms(oursMedian)}`);
  console.log(`  vscode-json-languageservice (theirs):    ${ms(theirsMedian)}`);
  console.log(`  JSON.parse alone (orientation):          ${ms(median(samples.parse))}`);
  console.log(`ratio ours/theirs: ${ratio.toFixed(2)} (target ≤ 0.50: ${ratio <= 0.5 ? 'met' : 'MISSED'})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
