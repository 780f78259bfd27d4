/**
 * Test helpers: fixtures whose expected ranges are marked in the text, and small in-memory projects.
 *
 * A fixture marks each expected range with `⟦` and `⟧`:
 *
 *     marked('{"jobs": [{"name": ⟦"x"⟧}]}')
 *
 * gives the text without the markers and the 0-based LSP range (UTF-16 characters) of each marked
 * stretch, in the order the ranges open. Ranges may span lines and may nest.
 */
import * as assert from 'node:assert/strict';
import { analyzeConfig, type Analysis } from '../../engine/analysis/analyze';
import { memoryFiles, type ProjectFiles } from '../../engine/files';
import type { Position, Problem, ProblemCode, Range } from '../../engine/config/types';

export const OPEN = '⟦';
export const CLOSE = '⟧';

export interface Marked {
  /** The text without markers. */
  text: string;
  /** The marked ranges, in the order their `⟦` appear. */
  ranges: Range[];
  /** The same as [start, end) offsets into `text`. */
  offsets: [number, number][];
}

export function marked(source: string): Marked {
  let text = '';
  let line = 0;
  let character = 0;
  const open: { index: number; offset: number; position: Position }[] = [];
  const ranges: Range[] = [];
  const offsets: [number, number][] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === OPEN) {
      open.push({ index: ranges.length, offset: text.length, position: { line, character } });
      // Reserve the slot, so that ranges come in the order they open even when nested.
      ranges.push(undefined as unknown as Range);
      offsets.push(undefined as unknown as [number, number]);
      continue;
    }
    if (c === CLOSE) {
      const start = open.pop();
      if (!start) throw new Error(`fixture: ${CLOSE} without ${OPEN} at ${i}`);
      ranges[start.index] = { start: start.position, end: { line, character } };
      offsets[start.index] = [start.offset, text.length];
      continue;
    }
    text += c;
    if (c === '\n') {
      line++;
      character = 0;
    } else {
      character++;
    }
  }
  if (open.length > 0) throw new Error(`fixture: ${open.length} ${OPEN} never closed`);
  return { text, ranges, offsets };
}

/** The config file of the default project: the project root is `/p`. */
export const CONFIG = '/p/configs/job_config.json';
export const ROOT = '/p';
export const TASK_DIR = '/p/src/job/task';
export const HANDLER_DIR = '/p/src/joborchrestrator/handler';

export interface ProjectSpec {
  /** Task classes that get a module `task_dir/<lowercase>.ts` declaring them. */
  tasks?: readonly string[];
  /** Handlers as `module.Class`, each a module under the handler folder declaring the class. */
  handlers?: readonly string[];
  /** Any other files, by absolute path. */
  files?: Record<string, string>;
}

/** The files of a small project in the default layout (rooted at `/p`). */
export function projectFiles(spec: ProjectSpec = {}): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of spec.tasks ?? []) {
    files[`${TASK_DIR}/${name.toLowerCase()}.ts`] = `export class ${name} {\n  async execute() {\n    return '${name}';\n  }\n}\n`;
  }
  for (const handler of spec.handlers ?? []) {
    const parts = handler.split('.');
    const className = parts.pop()!;
    files[`${HANDLER_DIR}/${parts.join('/')}.ts`] = `export class ${className} {}\n`;
  }
  return { ...files, ...spec.files };
}

export function project(spec: ProjectSpec = {}): ProjectFiles {
  return memoryFiles(projectFiles(spec));
}

/** The default project of most fixtures: handler `job1_handler.Job1Handler` and the given task classes. */
export function defaultProject(tasks: readonly string[] = [], extra: Record<string, string> = {}): ProjectFiles {
  return project({ tasks, handlers: ['job1_handler.Job1Handler'], files: extra });
}

/** Analyses a marked fixture (markers removed) as `/p/configs/job_config.json`. */
export function analyzeMarked(source: string, files: ProjectFiles = defaultProject(), file = CONFIG): { analysis: Analysis; ranges: Range[]; text: string } {
  const { text, ranges } = marked(source);
  return { analysis: analyzeConfig(text, { file, files }), ranges, text };
}

/** The problems with one code. */
export function withCode(problems: readonly Problem[], code: ProblemCode): Problem[] {
  return problems.filter((p) => p.code === code);
}

/** `code@line:char-line:char`, for comparing many problems at once with readable failures. */
export function where(p: { code?: string; range: Range }): string {
  const r = p.range;
  return `${p.code ?? ''}@${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/**
 * Asserts that the problems are exactly the expected codes at the marked ranges, in order: the
 * `i`-th marked range belongs to `codes[i]`. Problems come sorted by position, so mark them in
 * text order.
 */
export function assertProblems(problems: readonly Problem[], ranges: readonly Range[], codes: readonly ProblemCode[]): void {
  assert.equal(ranges.length, codes.length, 'fixture: one code per marked range');
  assert.deepEqual(
    problems.map(where),
    codes.map((code, i) => where({ code, range: ranges[i] })),
    `problems: ${JSON.stringify(
      problems.map((p) => `${where(p)} ${p.message}`),
      null,
      1,
    )}`,
  );
}

/** A minimal valid config around a job's `tasks` array text. */
export function job(tasks: string, handler = 'job1_handler.Job1Handler', name = 'job1'): string {
  return `{\n  "jobs": [\n    {\n      "name": "${name}",\n      "handler": "${handler}",\n      "tasks": [\n${tasks}\n      ]\n    }\n  ]\n}\n`;
}
