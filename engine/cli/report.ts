import * as path from 'node:path';
import type { Problem } from '../config/types';

export interface FileProblem extends Problem {
  file: string;
}

/** `path:line:col severity [code] message`, 1-based like a compiler's, one a line. */
export function formatText(problems: readonly FileProblem[], cwd = process.cwd()): string {
  return problems
    .map((p) => {
      const file = path.relative(cwd, p.file) || p.file;
      return `${file}:${p.range.start.line + 1}:${p.range.start.character + 1} ${p.severity} [${p.code}] ${p.message}`;
    })
    .join('\n');
}

/** The JSON shape of `validate --format json`: 0-based LSP ranges. */
export function formatJson(problems: readonly FileProblem[]): string {
  return JSON.stringify(
    problems.map((p) => ({ file: p.file, range: p.range, severity: p.severity, code: p.code, message: p.message })),
    null,
    2,
  );
}
