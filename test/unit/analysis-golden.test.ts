import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { analyzeConfig } from '../../engine/analysis/analyze';
import { memoryFiles } from '../../engine/files';

/*
 * The whole analysis of a generated 10,000-task config with every kind of problem, pinned byte for byte:
 * the fast paths of the analysis (the structure scan, the graph, the module check) were reworked for
 * speed, and must report exactly what they reported before. The digests were recorded with the code
 * before that work. A change that means to alter what is reported updates them (print `digest(...)`),
 * and says why in its commit.
 */

const ROOT = '/golden';
const CONFIG = `${ROOT}/configs/job_config.json`;
const TASK_DIR = `${ROOT}/src/job/task`;
const HANDLER_DIR = `${ROOT}/src/joborchrestrator/handler`;
const TASKS = 10_000;
const WIDTH = 100;

const name = (i: number) => `Task${String(i).padStart(5, '0')}`;

/** A deterministic stream of numbers in [0, 1), so that the config is the same on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The text of one task entry, with the problem `i` is chosen for, if any. */
function taskEntry(i: number, next: () => number): string {
  const layer = Math.floor(i / WIDTH);
  const column = i % WIDTH;
  const deps = layer > 0 ? [0, 1, 2].map((k) => name((layer - 1) * WIDTH + ((column + k) % WIDTH))) : [];
  const fields: string[] = [];
  let taskName = name(i);
  const roll = next();
  if (i % 97 === 5) taskName = name(i - 1); // duplicate-task
  if (i % 89 === 7) deps.push(name(i).replace('Task', 'Taks')); // unknown-dependency, with a suggestion
  if (i % 83 === 11) deps.push('NoSuchTaskAnywhere'); // unknown-dependency, no suggestion
  if (i % 211 === 13 && layer >= 90) deps.push(taskName); // self-dependency, and the tasks that wait on it
  if (i % 101 === 17) deps.push(deps[0] ?? name(0)); // a repeated dependency
  fields.push(`"name": ${JSON.stringify(taskName)}`);
  if (i % 71 === 19) fields.push(`"task": "Missing${i}"`); // missing-task
  if (i % 73 === 23) fields.push(`"task": "Shared${i % 3}"`); // missing-task-class or a shared class
  if (deps.length > 0 || i % 13 === 0) fields.push(`"dependencies": ${JSON.stringify(deps)}`);
  if (i % 67 === 29) fields.push(`"name": ${JSON.stringify(taskName)}`); // duplicate key
  if (i % 79 === 31) fields.push(`"n\\u0061me": ${JSON.stringify(taskName)}`); // duplicate key, escaped
  if (i % 61 === 37) fields.push(`"timeout": -${i}`); // schema: minimum
  if (i % 59 === 41) fields.push(`"retries": "three"`); // schema: type
  if (i % 53 === 43) fields.push(`"dependecies": []`); // schema: unknown property with a close name
  if (i % 47 === 3) fields.push(`"dependencies": 5`); // schema: type, and a duplicate key
  if (roll < 0.01)
    fields.push(`"params": {${Array.from({ length: 40 }, (_, k) => `"p${k % 30}": ${k}`).join(', ')}, "p\\u0031": 0}`); // many keys, some twice
  else if (i % 7 === 0) fields.push(`"params": {"n": ${i}, "label": "t\\"${i}\\"", "nested": {"a": [1, {"b": null}], "\\u0061": true}}`);
  else fields.push(`"params": {"n": ${i}, "label": "\\\\${i}\\\\", "a\\\\": "\\u0061"}`);
  return `{ ${fields.join(', ')} }`;
}

function generateConfig(): string {
  const next = random(15);
  const tasks: string[] = [];
  for (let i = 0; i < TASKS; i++) tasks.push(taskEntry(i, next));
  // Cycles: a ring of three, a ring of 500 (past the exact search), and tasks that wait on them.
  tasks.push(
    '{ "name": "RingA", "dependencies": ["RingC"] }',
    '{ "name": "RingB", "dependencies": ["RingA"] }',
    '{ "name": "RingC", "dependencies": ["RingB", "Task00000"] }',
  );
  tasks.push('{ "name": "Waits", "dependencies": ["RingA"] }', '{ "name": "WaitsMore", "dependencies": ["Waits", "Task00001"] }');
  for (let k = 0; k < 500; k++) tasks.push(`{ "name": "Big${k}", "dependencies": ["Big${(k + 1) % 500}"${k % 50 === 0 ? `, "Big${(k + 7) % 500}"` : ''}] }`);
  const bench = `{\n  "name": "bench",\n  "handler": "bench_handler.BenchHandler",\n  "maxConcurrency": 16,\n  "tasks": [\n    ${tasks.join(',\n    ')}\n  ]\n}`;
  const other = `{ "name": "other", "handler": "missing_handler.Nope", "onFailure": "sometimes", "tasks": [{ "name": "Task00001" }, { "name": "Solo", "dependencies": ["Task00002"] }] }`;
  const again = `{ "name": "bench", "handler": "bench_handler.NotThere", "tasks": [] }`;
  return `{\n  "jobs": [\n    ${bench},\n    ${other},\n    ${again}\n  ],\n  "jobs2": 1\n}\n`;
}

function generateProject() {
  const files = new Map<string, string>();
  for (let i = 0; i < TASKS; i++) {
    const file = `${TASK_DIR}/${name(i).toLowerCase()}.ts`;
    if (i % 113 === 0) continue; // missing-task
    if (i % 127 === 1)
      files.set(`${TASK_DIR}/${name(i)}.ts`, `export class ${name(i)} {}\n`); // case mismatch
    else if (i % 131 === 2)
      files.set(file, `export class Other${i} {}\n`); // missing-task-class
    else files.set(file, `import { BaseTask } from 'fastasyncio';\n\nexport class ${name(i)} extends BaseTask {}\n`);
  }
  files.set(`${TASK_DIR}/shared0.ts`, 'export class Shared0 {}\n');
  files.set(`${TASK_DIR}/shared1.py`, 'class Shared1:\n    pass\n');
  files.set(`${TASK_DIR}/shared2.ts`, 'export class SharedTwo {}\n');
  for (const t of ['RingA', 'RingB', 'RingC', 'Waits', 'WaitsMore', 'Solo']) files.set(`${TASK_DIR}/${t.toLowerCase()}.ts`, `export class ${t} {}\n`);
  for (let k = 0; k < 500; k++) files.set(`${TASK_DIR}/big${k}.ts`, `export class Big${k} {}\n`);
  files.set(`${HANDLER_DIR}/bench_handler.ts`, 'export class BenchHandler {}\n');
  return memoryFiles(files);
}

const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

describe('the analysis of a 10,000-task config with every kind of problem', () => {
  const analysis = analyzeConfig(generateConfig(), { file: CONFIG, files: generateProject() });

  test('reports the same problems, in the same order, as before the fast paths', () => {
    const counts: Record<string, number> = {};
    for (const p of analysis.problems) counts[`${p.code} ${p.severity}`] = (counts[`${p.code} ${p.severity}`] ?? 0) + 1;
    assert.deepEqual(counts, {
      'cycle error': 513,
      'cycle warning': 383,
      'duplicate-job error': 1,
      'duplicate-task error': 104,
      'missing-handler error': 1,
      'missing-handler-class error': 1,
      'missing-task error': 304,
      'missing-task-class error': 120,
      'schema error': 736,
      'self-dependency error': 5,
      'syntax warning': 2977,
      'unknown-dependency error': 534,
    });
    assert.equal(digest(analysis.problems), 'd3ed315151a229fa5d177d78e8b4739aabcffc19150b075544738f65d82d89a2');
  });

  test('resolves the same modules as before', () => {
    const modules = analysis.model?.jobs.map((j) => [j.handlerModule, j.tasks.map((t) => [t.id, t.className, t.module, t.dependencies])]);
    assert.equal(digest(modules), '5144c8f4c797c0bef32834294c21c8b0e5cee1c43293fa2eee04c9c3172a32a8');
  });
});
