import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { hasErrors } from '../analysis/analyze';
import { DEFAULT_CONFIG, type LoadedConfig, loadConfig, UsageError, type CliCommand } from './load';
import { type FileProblem, formatJson, formatText, problemsOf, shownPath } from './report';
import type { Io } from './io';

export const VALIDATE_USAGE = 'fastasyncio validate [configs...] [--format text|json]';

/**
 * Whether a file named on the command line is a job config: its name says so (`job_config.json`,
 * `*.job.json`), or it is a JSON object with `jobs`. `validate configs/*.json` then leaves
 * `configs/schema.json` alone, while a config of any name, or one too broken to parse, is still checked.
 */
export function isJobConfig({ file, text }: LoadedConfig): boolean {
  const name = path.basename(file);
  if (name === 'job_config.json' || name.endsWith('.job.json')) return true;
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return true;
  }
  return typeof value !== 'object' || value === null || Array.isArray(value) || Object.hasOwn(value, 'jobs');
}

/**
 * `fastasyncio validate`: problems on stdout, exit 0 without errors, 1 with errors, 2 for a usage error or
 * an unreadable file. Files that are not job configs are skipped, with a line on stderr.
 */
export function validateCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'text' } } });
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
  const loaded = (positionals.length > 0 ? positionals : [DEFAULT_CONFIG]).map(loadConfig);
  const configs = loaded.filter(isJobConfig);
  const skipped = loaded.filter((c) => !configs.includes(c)).map((c) => shownPath(c.file));
  if (configs.length === 0) throw new UsageError(`${skipped.join(', ')}: not a job config (no "jobs")`);
  for (const file of skipped) io.err(`${file}: skipped, not a job config (no "jobs")`);
  const problems: FileProblem[] = configs.flatMap(({ file, analysis }) => problemsOf(file, analysis));
  if (format === 'json') {
    io.out(formatJson(problems));
  } else if (problems.length > 0) {
    io.out(formatText(problems));
  } else {
    io.out(`${configs.map((c) => shownPath(c.file)).join(', ')}: no problems`);
  }
  return hasErrors(problems) ? 1 : 0;
}

export const command: CliCommand = { usage: VALIDATE_USAGE, run: validateCommand };
