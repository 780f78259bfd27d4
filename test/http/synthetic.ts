import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunEvent, RunOwner, TaskStatus } from '../../engine/run/events';
import { recordFile } from '../../engine/run/records';

/**
 * Synthetic run records: a run of `tasks` (no dependencies, one stage) whose events are written as the
 * recorder writes them, one JSON line each.
 */
export class SyntheticRun {
  private seq = 0;
  readonly lines: string[] = [];
  readonly time = Date.now() - 60_000;

  constructor(
    readonly root: string,
    readonly runId: string,
    readonly tasks: string[],
    owner?: RunOwner,
    readonly job = 'job1',
  ) {
    this.add({
      type: 'run-started',
      job,
      configFile: path.join(root, 'configs/job_config.json'),
      root,
      concurrency: null,
      tasks: tasks.map((id) => ({ id, className: id, dependencies: [], stage: 1 })),
      stages: [{ index: 1, tasks, after: [] }],
      ...(owner ? { owner } : {}),
    });
  }

  get file(): string {
    return recordFile(this.root, this.runId);
  }

  /** Adds an event (stamped with the next seq, a time a second after the last). */
  add(event: Record<string, unknown>): this {
    const seq = ++this.seq;
    this.lines.push(JSON.stringify({ ...event, runId: this.runId, seq, time: this.time + seq * 1000 }));
    return this;
  }

  started(task: string): this {
    return this.add({ type: 'task-started', task, attempt: 1 });
  }

  log(task: string, message: string): this {
    return this.add({ type: 'task-log', task, message });
  }

  finished(task: string, status: TaskStatus = 'succeeded', result: unknown = 1): this {
    return this.add({
      type: 'task-finished',
      task,
      status,
      attempts: 1,
      durationMs: 1000,
      ...(status === 'succeeded' ? { result } : { error: { message: `${task} ${status}` } }),
    });
  }

  runFinished(status: 'succeeded' | 'failed' | 'cancelled' = 'succeeded', durationMs = this.seq * 1000): this {
    return this.add({ type: 'run-finished', status, durationMs, summary: { job: this.job, runId: this.runId, status, durationMs, tasks: {} } });
  }

  /** The events written so far, parsed. */
  events(): RunEvent[] {
    return this.lines.map((l) => JSON.parse(l) as RunEvent);
  }

  /** Writes the record (and `extra` raw text after it). */
  write(extra = ''): string {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, this.lines.map((l) => l + '\n').join('') + extra);
    return this.file;
  }

  /**
   * Writes the record with `gapBytes` zero bytes (sparse: no disk used) after its first `before` lines,
   * as one very long line between the events: a record of any size, written at once.
   */
  writeWithGap(gapBytes: number, before: number): string {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(
      this.file,
      this.lines
        .slice(0, before)
        .map((l) => l + '\n')
        .join(''),
    );
    fs.truncateSync(this.file, fs.statSync(this.file).size + gapBytes);
    fs.appendFileSync(
      this.file,
      '\n' +
        this.lines
          .slice(before)
          .map((l) => l + '\n')
          .join(''),
    );
    return this.file;
  }
}

/** A process that has ended (and was reaped): its pid is a dead owner's. */
export async function deadOwner(): Promise<RunOwner> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return { pid: child.pid!, host: os.hostname() };
}

/** Sets a file's modification time `ms` in the past. */
export function age(file: string, ms: number): void {
  const when = new Date(Date.now() - ms);
  fs.utimesSync(file, when, when);
}

/** The record's lines, parsed where they parse. */
export function recordLines(file: string): Array<RunEvent | undefined> {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as RunEvent;
      } catch {
        return undefined;
      }
    });
}
