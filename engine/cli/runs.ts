import { parseArgs } from 'node:util';
import { resolveLayout } from '../config/layout';
import { nodeFiles } from '../node-files';
import { formatDuration, roundMs } from '../run/describe';
import { listItem, listRecordedRuns, type RunListItem } from '../run/recorded-runs';
import type { Io } from './io';
import { DEFAULT_CONFIG, loadConfig, UsageError, type CliCommand } from './load';
import { integerFlag } from './options';

export const RUNS_USAGE = 'fastasyncio runs [config] [--limit N] [--format text|json]';

const DEFAULT_LIMIT = 20;

/** The table `runs` prints: a row per run, the error last. */
export function runsTable(runs: readonly RunListItem[]): string {
  if (runs.length === 0) return 'no runs';
  const rows = runs.map((r) => [r.runId, r.job, r.status, formatDuration(r.durationMs), r.error ?? '']);
  const header = ['run', 'job', 'status', 'duration', 'error'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const format = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}

/**
 * `fastasyncio runs`: the project's recent runs from their records, newest first (runId, job, status,
 * duration, error). A run whose process is gone without finishing it is `interrupted`, and its record is
 * completed. Exit 0; 2 for a usage error or an unreadable config.
 */
export async function runsCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { limit: { type: 'string' }, format: { type: 'string', default: 'text' } },
  });
  if (positionals.length > 1) throw new UsageError(`too many arguments: ${positionals.join(' ')}`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, got "${values.format}"`);
  const limit = integerFlag('--limit', values.limit) ?? DEFAULT_LIMIT;
  // The config says where the project is; its runs are listed even when it has errors.
  const { file, analysis } = loadConfig(positionals[0] ?? DEFAULT_CONFIG);
  const root = analysis.model?.layout.root ?? resolveLayout(file, undefined, nodeFiles()).root;
  const runs = (await listRecordedRuns(root, { limit })).map(listItem);
  io.out(
    values.format === 'json'
      ? JSON.stringify(
          runs.map((r) => ({ ...r, durationMs: roundMs(r.durationMs) })),
          null,
          2,
        )
      : runsTable(runs),
  );
  return 0;
}

export const command: CliCommand = { usage: RUNS_USAGE, run: runsCommand };
