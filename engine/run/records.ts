import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunEvent, RunSummary } from './events';
import { RunState } from './summary';

export const DEFAULT_KEEP_RUNS = 50;
/** The shape of a run id (`newRunId`), for `isRunId` and the HTTP API's schemas. */
export const RUN_ID_PATTERN = '^\\d{8}T\\d{9}Z-[0-9a-f]{6}$';
const RUN_ID = new RegExp(RUN_ID_PATTERN);

export function runsDir(root: string): string {
  return path.join(root, '.fastasyncio', 'runs');
}

/** Where a run's record is. */
export function recordFile(root: string, runId: string): string {
  return path.join(runsDir(root), `${runId}.jsonl`);
}

/** A new run id: sortable by start time, safe as a file name. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '');
  const random = Math.floor(Math.random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
  return `${stamp}-${random}`;
}

export function isRunId(value: string): boolean {
  return RUN_ID.test(value);
}

/**
 * A run's recorded events, read whole and synchronously: for small records (tests, scripts). The server,
 * the CLI's `runs` and the extension read records with `recorded-runs.ts`, streamed, whatever their size.
 * A line cut short by a crash is left out.
 */
export function readRun(root: string, runId: string): RunEvent[] | undefined {
  if (!isRunId(runId)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(recordFile(root, runId), 'utf8');
  } catch {
    return undefined;
  }
  const events: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // An unfinished last line.
    }
  }
  return events;
}

/** The ids of the recorded runs, newest first. */
export function listRunIds(root: string): string[] {
  let files: string[];
  try {
    files = fs.readdirSync(runsDir(root));
  } catch {
    return [];
  }
  return idsOf(files);
}

/** The ids of the recorded runs, newest first, without blocking. */
export async function runIds(root: string): Promise<string[]> {
  try {
    return idsOf(await fs.promises.readdir(runsDir(root)));
  } catch {
    return [];
  }
}

function idsOf(files: string[]): string[] {
  return files
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .filter(isRunId)
    .sort()
    .reverse();
}

/** A recorded run folded into its state, or undefined when there is no such record. */
export function readRunState(root: string, runId: string): RunState | undefined {
  const events = readRun(root, runId);
  return events?.length ? RunState.of(events) : undefined;
}

/**
 * The summaries of the recorded runs, newest first, read whole (small records only; see `readRun`). A run
 * without `run-finished` shows as running: `listRecordedRuns` tells interrupted runs apart.
 */
export function listRuns(root: string, limit = DEFAULT_KEEP_RUNS): RunSummary[] {
  return listRunIds(root)
    .slice(0, limit)
    .flatMap((id) => readRunState(root, id)?.summary() ?? []);
}
