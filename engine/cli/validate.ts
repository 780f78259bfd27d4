import { parseArgs } from 'node:util';
import { hasErrors } from '../analysis/analyze';
import { DEFAULT_CONFIG, loadConfig, UsageError } from './load';
import { type FileProblem, formatJson, formatText } from './report';
import type { Io } from './io';

export const VALIDATE_USAGE = 'fastasyncio validate [configs...] [--format text|json]';

/** `fastasyncio validate`: exit 0 without errors, 1 with errors, 2 for a usage error or an unreadable file. */
export function validateCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'text' } } });
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
  const files = positionals.length > 0 ? positionals : [DEFAULT_CONFIG];
  const problems: FileProblem[] = [];
  for (const file of files) {
    const { file: absolute, analysis } = loadConfig(file);
    for (const p of analysis.problems) problems.push({ ...p, file: absolute });
  }
  if (format === 'json') {
    io.out(formatJson(problems));
  } else if (problems.length > 0) {
    io.out(formatText(problems));
  } else {
    io.err(`${files.join(', ')}: no problems`);
  }
  return hasErrors(problems) ? 1 : 0;
}
