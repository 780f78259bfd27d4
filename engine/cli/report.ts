import * as path from 'node:path';
import type { Analysis } from '../analysis/analyze';
import type { Problem } from '../config/types';

export interface FileProblem extends Problem {
  file: string;
  /** The project root that module paths in the message are relative to (the analysis writes them so). */
  root?: string;
}

/** A path as the CLI shows it: relative to the working folder, so that nobody has to guess from where. */
export function shownPath(file: string, cwd = process.cwd()): string {
  return path.relative(cwd, file) || '.';
}

/** A config's problems, each with its file and its project root. */
export function problemsOf(file: string, analysis: Analysis): FileProblem[] {
  const root = analysis.model?.layout.root;
  return analysis.problems.map((p) => ({ ...p, file, root }));
}

/**
 * The message with its module paths relative to `cwd` instead of the project root: a missing task's
 * "expected src/job/task/task5.ts" reads "expected examples/src/job/task/task5.ts" from a folder above
 * the project. The paths the analysis writes are those of `data.expectedFile` and of its siblings.
 */
export function messageFrom(problem: FileProblem, cwd = process.cwd()): string {
  const expected = problem.data?.expectedFile;
  if (!expected || !problem.root) return problem.message;
  const folder = path.dirname(expected);
  const fromRoot = path.relative(problem.root, folder);
  const fromCwd = path.relative(cwd, folder);
  if (fromRoot === fromCwd || fromRoot === '') return problem.message;
  const prefix = (p: string) => (p === '' ? '' : p + path.sep);
  return problem.message.split(prefix(fromRoot)).join(prefix(fromCwd));
}

/** `path:line:col severity [code] message`, 1-based like a compiler's, one a line; paths relative to `cwd`. */
export function formatText(problems: readonly FileProblem[], cwd = process.cwd()): string {
  return problems
    .map((p) => `${shownPath(p.file, cwd)}:${p.range.start.line + 1}:${p.range.start.character + 1} ${p.severity} [${p.code}] ${messageFrom(p, cwd)}`)
    .join('\n');
}

/** The JSON shape of `validate --format json`: absolute files, 0-based LSP ranges. */
export function formatJson(problems: readonly FileProblem[], cwd = process.cwd()): string {
  return JSON.stringify(
    problems.map((p) => ({ file: p.file, range: p.range, severity: p.severity, code: p.code, message: messageFrom(p, cwd) })),
    null,
    2,
  );
}

/** The line that says why a command refuses a config: `configs/job_config.json has 2 errors; fix them before running`. */
export function errorsLine(file: string, problems: readonly Problem[], before: string, cwd = process.cwd()): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return `${shownPath(file, cwd)} has ${errors === 1 ? '1 error; fix it' : `${errors} errors; fix them`} ${before}`;
}
