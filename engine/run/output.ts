/**
 * Keeping what tasks print bounded: lines are split at `MAX_LINE` characters, and each run has an output
 * budget, per task and for the whole run. Past it, further lines are counted, not kept, and one log line
 * says how much was dropped. Sizes are string lengths (UTF-16 units: bytes, for ASCII text).
 */

/** The longest log line kept as one event; longer output is split into lines of this length. */
export const MAX_LINE = 64 * 1024;

export interface OutputLimits {
  /** The most output kept of one task (all its attempts). */
  task: number;
  /** The most output kept of the whole run: its tasks' and its own. */
  run: number;
}

export const DEFAULT_OUTPUT_LIMITS: Readonly<OutputLimits> = { task: 8 * 1024 * 1024, run: 32 * 1024 * 1024 };

/** What a budget dropped, carried by the log event that says so. */
export interface DroppedOutput {
  lines: number;
  chars: number;
}

/** Calls `each` with `message` cut into pieces of at most `MAX_LINE` characters (one piece when it fits). */
export function splitLong(message: string, each: (piece: string) => void): void {
  if (message.length <= MAX_LINE) {
    each(message);
    return;
  }
  for (let i = 0; i < message.length; i += MAX_LINE) each(message.slice(i, i + MAX_LINE));
}

/**
 * Turns a stream of text into lines without ever holding more than `MAX_LINE` characters: a line longer
 * than that is cut into pieces of that length. A trailing `\r` (CRLF) is dropped.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      // Emit full-length pieces of an over-long line as they come, never growing `partial` past MAX_LINE.
      while (this.partial.length + (end - start) > MAX_LINE) {
        const take = MAX_LINE - this.partial.length;
        this.onLine(this.partial + text.slice(start, start + take));
        this.partial = '';
        start += take;
      }
      if (newline === -1) {
        this.partial += text.slice(start);
        return;
      }
      this.line(this.partial + text.slice(start, newline));
      this.partial = '';
      start = newline + 1;
    }
  }

  /** The last line, if the stream did not end with a newline. */
  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  private line(text: string): void {
    this.onLine(text.endsWith('\r') ? text.slice(0, -1) : text);
  }
}

function size(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/** A run's output budget: admits lines while there is room, counts the rest, and says so once. */
export class OutputBudget {
  private runKept = 0;
  private readonly taskKept = new Map<string, number>();
  /** What was dropped, by task ('' for the run's own lines). */
  private readonly dropped = new Map<string, DroppedOutput>();

  constructor(private readonly limits: OutputLimits = DEFAULT_OUTPUT_LIMITS) {}

  /** Whether a line of `chars` characters of `task`'s output (the run's own when undefined) is kept. */
  admit(task: string | undefined, chars: number): boolean {
    const kept = task === undefined ? 0 : (this.taskKept.get(task) ?? 0);
    if (this.runKept + chars > this.limits.run || (task !== undefined && kept + chars > this.limits.task)) {
      const key = task ?? '';
      const d = this.dropped.get(key);
      if (d) {
        d.lines++;
        d.chars += chars;
      } else {
        this.dropped.set(key, { lines: 1, chars });
      }
      return false;
    }
    this.runKept += chars;
    if (task !== undefined) this.taskKept.set(task, kept + chars);
    return true;
  }

  /**
   * The line that says what `task` (the run's own output when undefined) dropped, and its counts, or
   * undefined when it dropped nothing. Each drop is reported once.
   */
  notice(task: string | undefined): { message: string; dropped: DroppedOutput } | undefined {
    const key = task ?? '';
    const dropped = this.dropped.get(key);
    if (!dropped) return undefined;
    this.dropped.delete(key);
    const whose = task === undefined ? 'the run' : task;
    const limit =
      task === undefined
        ? `the run's budget of ${size(this.limits.run)}`
        : `the budget of ${size(this.limits.task)} per task, ${size(this.limits.run)} per run`;
    return {
      message: `output past ${limit} was dropped: ${dropped.lines} line(s), ${size(dropped.chars)} of ${whose}'s output were counted, not kept`,
      dropped,
    };
  }

  /** Every task with dropped output not yet reported. */
  pendingTasks(): string[] {
    return [...this.dropped.keys()].filter((k) => k !== '');
  }
}
