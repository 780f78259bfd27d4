import * as fs from 'node:fs';
import type { ErrorInfo, TaskStatus } from '../engine/run/events';
import { parseEvent, scanLines } from '../engine/run/record-reader';

/**
 * A failed task's error as its tooltip in the jobs view shows it: the message, then the stack (a Python
 * traceback, a JavaScript stack) shortened to what a tooltip can hold. The run's state keeps only the
 * message; the stack is read from the run's record when the tooltip is asked for (pure, no `vscode`).
 */

/** A tooltip shows this many lines of a stack at most, each cut at MAX_LINE_CHARS. */
export const MAX_STACK_LINES = 30;
const MAX_LINE_CHARS = 240;
const MAX_MESSAGE_CHARS = 600;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * A stack within MAX_STACK_LINES lines. A Python traceback keeps its first line and its end (the
 * innermost frames and the exception come last); any other stack its start (the message and the
 * innermost frames come first).
 */
export function shortenStack(stack: string, maxLines = MAX_STACK_LINES): string {
  const lines = stack
    .trimEnd()
    .split(/\r?\n/)
    .map((line) => cut(line, MAX_LINE_CHARS));
  if (lines.length <= maxLines) return lines.join('\n');
  const omitted = lines.length - (maxLines - 1);
  if (lines[0].startsWith('Traceback')) return [lines[0], `  … ${omitted} lines omitted …`, ...lines.slice(-(maxLines - 2))].join('\n');
  return [...lines.slice(0, maxLines - 1), `… ${omitted} more lines`].join('\n');
}

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~]/g;

/** Text shown as itself in Markdown (its line breaks kept). */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, '\\$&').replace(/\r?\n/g, '  \n');
}

/** A fenced code block that the code cannot close, whatever backticks it holds. */
function codeBlock(code: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${code}\n${fence}`;
}

/**
 * A task's tooltip in Markdown: `**Task3** failed`, `on worker w1` when its last attempt ran on one, the
 * run its result was reused from when it did not run, the error's message, its stack in a code block.
 */
export function taskTooltip(task: string, status: TaskStatus, error: ErrorInfo | undefined, worker?: string, reused?: string): string {
  const parts = [`**${escapeMarkdown(task)}** ${status}${worker ? ` on worker ${escapeMarkdown(worker)}` : ''}`];
  if (reused !== undefined) parts.push(`Not run again: its result is run ${escapeMarkdown(reused)}'s.`);
  if (error?.message) parts.push(escapeMarkdown(cut(error.message, MAX_MESSAGE_CHARS)));
  if (error?.stack) parts.push(codeBlock(shortenStack(error.stack)));
  return parts.join('\n\n');
}

/** Where a failed task's `task-finished` line is in a record. */
interface Place {
  start: number;
  length: number;
}

interface Scanned {
  /** Where the next scan goes on from (a live run's record grows). */
  end: number;
  failures: Map<string, Place>;
}

const FINISHED = Buffer.from('"task-finished"');
const ERROR = Buffer.from('"error"');
/** The records whose failures are remembered (their places, not their text). */
const MAX_RECORDS = 16;

/**
 * The errors of failed tasks, with their stacks, read from run records: a record is scanned once for
 * where its failed tasks' `task-finished` lines are (a live run's from where the last scan ended), and
 * a task's line is read when its tooltip is shown. Nothing throws: an unreadable record gives nothing.
 */
export class TaskErrors {
  private readonly records = new Map<string, Scanned>();

  async get(recordFile: string, task: string): Promise<ErrorInfo | undefined> {
    try {
      const scanned = await this.scan(recordFile);
      const place = scanned.failures.get(task);
      if (!place) return undefined;
      const event = parseEvent(await readLine(recordFile, place));
      return event?.type === 'task-finished' ? event.error : undefined;
    } catch {
      return undefined;
    }
  }

  private async scan(file: string): Promise<Scanned> {
    const known = this.records.get(file);
    const scanned: Scanned = known ?? { end: 0, failures: new Map() };
    // Most recently used last: the first one is the one to forget.
    this.records.delete(file);
    this.records.set(file, scanned);
    if (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value!);
    const { end } = await scanLines(
      file,
      (line, start) => {
        if (!line.includes(FINISHED) || !line.includes(ERROR)) return;
        const event = parseEvent(line.toString('utf8'));
        if (event?.type !== 'task-finished') return;
        if (event.error && event.status !== 'succeeded') scanned.failures.set(event.task, { start, length: line.length });
        else scanned.failures.delete(event.task);
      },
      { from: scanned.end },
    );
    scanned.end = end;
    return scanned;
  }
}

async function readLine(file: string, { start, length }: Place): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const bytes = Buffer.alloc(length);
    const { bytesRead } = await handle.read(bytes, 0, length, start);
    return bytes.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
