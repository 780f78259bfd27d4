/**
 * `npm run bench:serve-memory`: the server's memory across many runs of a chatty task. The server runs in
 * this process (createServer, as `fastasyncio serve` builds it); a job whose task prints 20 MB (100-byte
 * lines, console.log) runs BENCH_RUNS times (default 50) through the HTTP API, each followed to its end
 * by its event stream. `process.memoryUsage()` (after a full GC: node runs with --expose-gc) is printed
 * after the first run and after the last, and every 10 runs between. Target: flat (before, each finished
 * run kept all its events: 0.7, 1.6, 2.6, 3.6 GB after four runs, then "Reached heap limit").
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createServer } from '../../engine/http/server';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const PRINT_MB = 20;
const LINE = 100;

function project(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fa-memory-bench-'));
  fs.mkdirSync(path.join(root, 'configs'));
  fs.mkdirSync(path.join(root, 'src/job/task'), { recursive: true });
  const lines = Math.round((PRINT_MB * 1024 * 1024) / LINE);
  fs.writeFileSync(
    path.join(root, 'src/job/task/chatty.js'),
    `exports.Chatty = class Chatty {\n  async execute() {\n    const pad = 'x'.repeat(${LINE - 8});\n    for (let i = 0; i < ${lines}; i++) console.log(String(i).padStart(7, '0') + pad);\n    return ${lines};\n  }\n};\n`,
  );
  fs.writeFileSync(
    path.join(root, 'configs/job_config.json'),
    JSON.stringify({ jobs: [{ name: 'chatty', handler: 'GenericJobHandler', tasks: [{ name: 'Chatty' }] }] }),
  );
  return root;
}

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function memory(): { rss: number; heapUsed: number } {
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

async function main(): Promise<void> {
  if (!gc) console.log('(no global.gc: run node with --expose-gc for figures after a full collection)');
  const root = project();
  const server = createServer({ configFile: path.join(root, 'configs/job_config.json'), port: 0, watch: false, log: () => {} });
  const url = await server.listen();
  const base = memory();
  console.log(`before any run: rss ${mb(base.rss)}, heapUsed ${mb(base.heapUsed)}`);
  const seen: Array<{ run: number; rss: number; heapUsed: number }> = [];
  let streamed = 0;
  const t0 = performance.now();
  try {
    for (let i = 1; i <= RUNS; i++) {
      const started = await fetch(`${url}/jobs/chatty/runs`, { method: 'POST' });
      if (started.status !== 202) throw new Error(`POST answered ${started.status}: ${await started.text()}`);
      const { runId } = (await started.json()) as { runId: string };
      // Follow the run to its end, as a client would.
      const events = await fetch(`${url}/runs/${runId}/events`);
      const reader = events.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        streamed += value.length;
      }
      const summary = (await (await fetch(`${url}/runs/${runId}`)).json()) as { status: string };
      if (summary.status !== 'succeeded') throw new Error(`run ${i} ${summary.status}`);
      if (i === 1 || i % 10 === 0 || i === RUNS) {
        const now = memory();
        seen.push({ run: i, ...now });
        console.log(`after ${String(i).padStart(2)} run(s): rss ${mb(now.rss)}, heapUsed ${mb(now.heapUsed)}`);
      }
    }
  } finally {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
  const first = seen[0];
  const last = seen[seen.length - 1];
  console.log('');
  console.log(
    `${RUNS} runs of a task printing ${PRINT_MB} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${mb(streamed)} of events streamed to the client`,
  );
  console.log(`after 1 run: rss ${mb(first.rss)}, heapUsed ${mb(first.heapUsed)}; after ${last.run}: rss ${mb(last.rss)}, heapUsed ${mb(last.heapUsed)}`);
  console.log(`growth from run 1 to run ${last.run}: rss ${mb(last.rss - first.rss)}, heapUsed ${mb(last.heapUsed - first.heapUsed)} (target: flat)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
