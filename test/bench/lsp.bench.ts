/**
 * `npm run bench:lsp`: drives the built server (dist/server.js) over stdio like an editor would.
 * - open: a 10,000-task config (tasks reuse 10 classes via "task", three dependencies each, the class
 *   modules on disk), timed from `didOpen` until its diagnostics arrive;
 * - edit: one dependency changed by an incremental `didChange`, timed until the diagnostics of that
 *   version arrive (debounceMs 0).
 * Medians over several runs. Targets: open ≤ 150 ms, edit ≤ 60 ms.
 */
import { LspClient } from '../protocol/lsp-client';
import { bigConfig, taskModule, tempProject } from '../protocol/project';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { fmt, median, table } from './report';

const TASKS = 10_000;
const CLASSES = 10;
const OPEN_RUNS = 9;
const EDIT_RUNS = 31;

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const project = tempProject('{ "jobs": [] }\n', []);
  for (let c = 0; c < CLASSES; c++) project.write(`src/job/task/work${c}.ts`, taskModule(`Work${c}`));
  const text = bigConfig(TASKS, CLASSES);
  const client = await LspClient.start({ root: project.root, initializationOptions: { debounceMs: 0 } });
  try {
    await client.diagnostics(project.configUri);
    const opens: number[] = [];
    let counts = '';
    for (let run = 0; run < OPEN_RUNS; run++) {
      const uri = pathToFileURL(path.join(project.root, 'configs', `bench-${run}.job.json`)).href;
      const since = client.mark();
      const start = performance.now();
      await client.open(uri, text);
      const published = await client.diagnostics(uri, () => true, since);
      opens.push(performance.now() - start);
      counts = `${published.diagnostics.length} diagnostics`;
      if (run < OPEN_RUNS - 1) await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    const uri = pathToFileURL(path.join(project.root, 'configs', `bench-${OPEN_RUNS - 1}.job.json`)).href;
    // The first dependency of the last task: "T9998" in `"dependencies": ["T9998", ...`.
    const at = text.lastIndexOf('"dependencies": ["') + '"dependencies": ["'.length;
    const line = text.slice(0, at).split('\n').length - 1;
    const character = at - text.lastIndexOf('\n', at - 1) - 1;
    const edits: number[] = [];
    let current = `T${TASKS - 2}`;
    for (let run = 0; run < EDIT_RUNS; run++) {
      const next = current === `T${TASKS - 2}` ? `X${TASKS - 2}` : `T${TASKS - 2}`;
      const range = { start: { line, character }, end: { line, character: character + current.length } };
      const since = client.mark();
      const start = performance.now();
      const version = await client.change(uri, [{ range, text: next }]);
      const published = await client.diagnostics(uri, (p) => p.version === version, since);
      edits.push(performance.now() - start);
      const unknown = published.diagnostics.some((d) => d.code === 'unknown-dependency');
      if (unknown !== next.startsWith('X')) throw new Error(`edit ${run}: expected unknown-dependency ${next.startsWith('X')}, got ${unknown}`);
      current = next;
    }
    console.log(`lsp bench: ${TASKS} tasks, ${(text.length / 1e6).toFixed(1)} MB, ${CLASSES} task classes, 3 dependencies each (${counts} on open)`);
    console.log(
      `  open → diagnostics: median ${ms(median(opens))} over ${OPEN_RUNS} runs (min ${ms(Math.min(...opens))}, max ${ms(Math.max(...opens))}); target ≤ 150 ms`,
    );
    console.log(
      `  edit → diagnostics: median ${ms(median(edits))} over ${EDIT_RUNS} runs (min ${ms(Math.min(...edits))}, max ${ms(Math.max(...edits))}); target ≤ 60 ms`,
    );
    // Issue 15's targets for the bench's config.
    table([
      { figure: 'open → diagnostics, median (ms)', value: fmt(median(opens), 1), target: '≤ 60', met: median(opens) <= 60 },
      { figure: 'edit → diagnostics, median (ms)', value: fmt(median(edits), 1), target: '≤ 25', met: median(edits) <= 25 },
    ]);
  } finally {
    await client.stop();
    project.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
