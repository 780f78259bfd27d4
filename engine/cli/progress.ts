import { describeEvent, eventStatus, formatDuration, isTraceback } from '../run/describe';
import type { RunEvent, RunSummary, TaskStatus } from '../run/events';

const COLORS: Partial<Record<TaskStatus, number>> = { succeeded: 32, failed: 31, timedOut: 31, skipped: 33, cancelled: 33, running: 36 };

/**
 * Renders a run's events for a person: a line per task event; on a terminal also colours and a
 * progress bar kept on the last line; piped, plain lines only.
 */
export class ProgressPrinter {
  private total = 0;
  private finished = 0;
  private barShown = false;

  /** `write` gets raw text (newlines included); `tty` turns on colours and the progress bar. */
  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
  ) {}

  private paint(status: TaskStatus, text: string): string {
    const color = COLORS[status];
    return this.tty && color ? `\x1b[${color}m${text}\x1b[0m` : text;
  }

  private line(text: string): void {
    this.write(`${this.barShown ? '\r\x1b[2K' : ''}${text}\n`);
    this.barShown = false;
  }

  readonly onEvent = (event: RunEvent): void => {
    const status = eventStatus(event);
    const text = describeEvent(event);
    // Colour the leading symbol only.
    const space = text.indexOf(' ');
    this.line(status && space > 0 && !text.startsWith(' ') ? this.paint(status, text.slice(0, space)) + text.slice(space) : text);
    // A Python task's traceback is the user's own frames (the runner's are left out): shown in full.
    if (event.type === 'task-finished' && isTraceback(event.error?.stack)) {
      for (const line of event.error.stack.trimEnd().split('\n')) this.line(`    ${line}`);
    }
    if (event.type === 'run-started') this.total = event.tasks.length;
    if (event.type === 'task-finished') this.finished++;
    if (event.type !== 'run-finished' && this.tty && this.total > 0) this.drawBar();
  };

  private drawBar(): void {
    const width = 24;
    const filled = Math.round((this.finished / this.total) * width);
    this.write(`\r\x1b[2K[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.finished}/${this.total}`);
    this.barShown = true;
  }

  clear(): void {
    if (this.barShown) this.write('\r\x1b[2K');
    this.barShown = false;
  }
}

/** The summary table printed at the end of `fastasyncio run`. */
export function summaryTable(summary: RunSummary): string {
  const rows = Object.entries(summary.tasks).map(([task, t]) => [
    task,
    t.status,
    String(t.attempts),
    t.reused ? 'reused' : formatDuration(t.durationMs),
    t.reused ? `from run ${t.reused}` : (t.error ?? ''),
  ]);
  const header = ['task', 'status', 'attempts', 'duration', 'error'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const format = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const lines = [format(header), ...rows.map(format)];
  lines.push(`${summary.job} ${summary.status} in ${formatDuration(summary.durationMs)} (run ${summary.runId})${summary.error ? `: ${summary.error}` : ''}`);
  return lines.join('\n');
}
