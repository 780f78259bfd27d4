/**
 * `npm run bench:lsp`: drives the built server (dist/server.js) over stdio like an editor would
 * (issue 15, target 2), with 10,000-task configs whose class modules are on disk:
 * - open: the bench's compact config (1.2 MB) and a pretty-printed one with params (about 2.3 MB),
 *   timed from `didOpen` until their diagnostics arrive;
 * - edit: incremental `didChange`s inside one task of the pretty-printed config (a dependency made
 *   unknown and back, a param changed and back, each in a task picked at random), timed until the
 *   diagnostics of that version arrive (debounceMs 0); the diagnostics are checked each time.
 * Beside each edit, in this process, vscode-json-languageservice validates the same text with the same
 * schema (`parseJSONDocument` + `doValidation`: it has no incremental path), for the ratio.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-json-languageservice';
import { LspClient } from '../protocol/lsp-client';
import { bigConfig, prettyConfig, taskModule, tempProject } from '../protocol/project';
import { jsonValidator } from './json-peer';
import { fmt, median, ratioOf, table } from './report';

/** Validating the same edits in this process: parse + `doValidation` with configs/schema.json. */
const PEER = 'vscode-json-languageservice, in this process';

const TASKS = 10_000;
const CLASSES = 10;
const OPEN_RUNS = 9;
/** Pairs of edits: one makes a change, the next takes it back. */
const EDIT_PAIRS = 40;

const ms = (x: number) => `${x.toFixed(1)} ms`;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function main(): Promise<void> {
  const project = tempProject('{ "jobs": [] }\n', []);
  for (let c = 0; c < CLASSES; c++) project.write(`src/job/task/work${c}.ts`, taskModule(`Work${c}`));
  const compact = bigConfig(TASKS, CLASSES);
  const pretty = prettyConfig(TASKS, CLASSES);
  const client = await LspClient.start({ root: project.root, initializationOptions: { debounceMs: 0 } });
  const uriOf = (name: string) => pathToFileURL(path.join(project.root, 'configs', `${name}.job.json`)).href;
  try {
    await client.diagnostics(project.configUri);

    /** Median ms from didOpen to the diagnostics, over fresh documents; the last one stays open. */
    const timeOpen = async (name: string, text: string): Promise<number> => {
      const opens: number[] = [];
      for (let run = 0; run < OPEN_RUNS; run++) {
        const uri = uriOf(`${name}-${run}`);
        const since = client.mark();
        const start = performance.now();
        await client.open(uri, text);
        const published = await client.diagnostics(uri, () => true, since);
        opens.push(performance.now() - start);
        if (published.diagnostics.length > 0) throw new Error(`${name}: ${published.diagnostics.length} diagnostics on open`);
        if (run < OPEN_RUNS - 1) await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      }
      return median(opens);
    };
    const openCompact = await timeOpen('compact', compact);
    const openPretty = await timeOpen('pretty', pretty);

    // Edits inside one task of the pretty config, each checked. vscode-json-languageservice replays them
    // afterwards: interleaved, the collection of its garbage (a syntax tree of the whole text per
    // validation) would land in the middle of our timings, which this process takes.
    const uri = uriOf(`pretty-${OPEN_RUNS - 1}`);
    let doc = TextDocument.create(uri, 'json', 1, pretty);
    const edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[][] = [];
    const ours: number[] = [];
    const next = random(15);
    for (let pair = 0; pair < EDIT_PAIRS; pair++) {
      const task = 100 + Math.floor(next() * (TASKS - 200));
      const dependency = pair % 2 === 0;
      // In task `task`'s entry: its first dependency ("T<task-1>"), or its "n" param.
      const entry = doc.getText().indexOf(`"name": "T${task}"`);
      const [from, to, expect] = dependency
        ? [`"T${task - 1}"`, `"X${task - 1}"`, 'unknown-dependency']
        : [`"n": ${task}`, `"n": ${task + 1_000_000}`, undefined];
      for (const [old, replacement, code] of [
        [from, to, expect],
        [to, from, undefined],
      ] as const) {
        const at = doc.getText().indexOf(old, entry);
        const changes = [{ range: { start: doc.positionAt(at), end: doc.positionAt(at + old.length) }, text: replacement }];
        const since = client.mark();
        const start = performance.now();
        const version = await client.change(uri, changes);
        const published = await client.diagnostics(uri, (p) => p.version === version, since);
        ours.push(performance.now() - start);
        const codes = published.diagnostics.map((d) => d.code);
        if (codes.join() !== (code ?? '')) throw new Error(`edit of T${task}: expected [${code ?? ''}], got [${codes.join()}]`);
        doc = TextDocument.update(doc, changes, version);
        edits.push(changes);
      }
    }
    const validate = jsonValidator();
    let theirDoc = TextDocument.create(uri, 'json', 1, pretty);
    await validate(theirDoc);
    const theirs: number[] = [];
    for (const [n, changes] of edits.entries()) {
      const start = performance.now();
      theirDoc = TextDocument.update(theirDoc, changes, n + 2);
      const count = await validate(theirDoc);
      theirs.push(performance.now() - start);
      // Both texts are valid against the schema: what differs is only what the schema cannot see.
      if (count !== 0) throw new Error(`vscode-json-languageservice found ${count} problems`);
    }
    const ratio = median(ours) / median(theirs);
    console.log(`lsp bench: ${TASKS} tasks, ${CLASSES} task classes, 3 dependencies each`);
    console.log(`  open → diagnostics, compact config (${(compact.length / 1e6).toFixed(1)} MB): median ${ms(openCompact)} over ${OPEN_RUNS} runs`);
    console.log(`  open → diagnostics, pretty config with params (${(pretty.length / 1e6).toFixed(1)} MB): median ${ms(openPretty)} over ${OPEN_RUNS} runs`);
    console.log(
      `  edit inside one task → diagnostics (pretty config): median ${ms(median(ours))}, p95 ${ms(percentile(ours, 0.95))} over ${ours.length} edits (min ${ms(Math.min(...ours))}, max ${ms(Math.max(...ours))})`,
    );
    console.log(
      `  vscode-json-languageservice, same edits, parse + validate in this process: median ${ms(median(theirs))}, p95 ${ms(percentile(theirs, 0.95))}`,
    );
    console.log(`  ours / vscode-json-languageservice (medians): ${fmt(ratio, 2)}x`);
    table([
      { measure: 'open → diagnostics, bench config, median (ms)', ours: fmt(openCompact, 1), target: '≤ 60', met: openCompact <= 60 },
      { measure: 'open → diagnostics, 2 MB pretty config, median (ms)', ours: fmt(openPretty, 1), target: '≤ 120', met: openPretty <= 120 },
      {
        measure: 'edit → diagnostics, median (ms)',
        ours: fmt(median(ours), 1),
        peer: { name: PEER, value: fmt(median(theirs), 1) },
        ratio: ratioOf(median(ours), median(theirs)),
        target: '≤ 25',
        met: median(ours) <= 25,
      },
      {
        measure: 'edit → diagnostics, p95 (ms)',
        ours: fmt(percentile(ours, 0.95), 1),
        peer: { name: PEER, value: fmt(percentile(theirs, 0.95), 1) },
        ratio: ratioOf(percentile(ours, 0.95), percentile(theirs, 0.95)),
        target: '≤ 50',
        met: percentile(ours, 0.95) <= 50,
      },
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
