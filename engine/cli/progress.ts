import type { RunEvent, RunStartedEvent, RunSummary, TaskStatus } from '../run/events';

const ICONS: Record<TaskStatus, string> = {
  pending: '·',
  running: '▶',
  succeeded: '✓',
  failed: '✗',
  timedOut: '⏱',
  skipped: '↷',
  cancelled: '■',
};

const COLORS: Partial<Record<TaskStatus, number>> = { succeeded: 32, failed: 31, timedOut: 31, skipped: 33, cancelled: 33, running: 36 };

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000)}s`;
}

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
    switch (event.type) {
      case 'run-started':
        this.total = event.tasks.length;
        this.line(describePlan(event));
        break;
      case 'task-started':
        this.line(`${this.paint('running', ICONS.running)} ${event.task} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`);
        break;
      case 'task-log':
        this.line(`  ${event.task}: ${event.message}`);
        break;
      case 'run-log':
        this.line(`  ${event.message}`);
        break;
      case 'task-retrying':
        this.line(`${this.paint('failed', '↻')} ${event.task} attempt ${event.attempt} failed (${event.error.message}); retrying in ${formatDuration(event.delayMs)}`);
        break;
      case 'task-finished': {
        this.finished++;
        const attempts = event.attempts > 1 ? `, ${event.attempts} attempts` : '';
        const why = event.error && event.status !== 'succeeded' ? `: ${event.error.message}` : '';
        this.line(`${this.paint(event.status, ICONS[event.status])} ${event.task} ${event.status} in ${formatDuration(event.durationMs)}${attempts}${why}`);
        break;
      }
      case 'run-finished':
        this.line(`${this.paint(event.status, ICONS[event.status])} ${event.summary.job} ${event.status} in ${formatDuration(event.durationMs)}`);
        return;
    }
    if (this.tty && this.total > 0) this.drawBar();
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

function describePlan(event: RunStartedEvent): string {
  const stages = event.stages.map((s) => `  stage ${s.index}: ${s.tasks.join(', ')}${s.after.length ? ` (after ${s.after.join(', ')})` : ''}`);
  return [`${event.job}: run ${event.runId}, ${event.tasks.length} tasks in ${event.stages.length} stages`, ...stages].join('\n');
}

/** The summary table printed at the end of `fastasyncio run`. */
export function summaryTable(summary: RunSummary): string {
  const rows = Object.entries(summary.tasks).map(([task, t]) => [task, t.status, String(t.attempts), formatDuration(t.durationMs), t.error ?? '']);
  const header = ['task', 'status', 'attempts', 'duration', 'error'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const format = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const lines = [format(header), ...rows.map(format)];
  lines.push(`${summary.job} ${summary.status} in ${formatDuration(summary.durationMs)} (run ${summary.runId})${summary.error ? `: ${summary.error}` : ''}`);
  return lines.join('\n');
}
