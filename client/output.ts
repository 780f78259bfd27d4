import * as vscode from 'vscode';
import { describeEvent } from '../engine/run/describe';
import type { RunEvent } from '../engine/run/events';

/**
 * The "FastAsyncio" log output channel: a timestamped line per run event (the channel adds the time),
 * the tasks' own `ctx.log` lines, and errors with their stacks. syntaxes/fastasyncio-log.tmLanguage.json
 * colours statuses, task names and durations.
 */
export class RunLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('FastAsyncio', { log: true });

  write(event: RunEvent): void {
    const text = describeEvent(event);
    if (event.type === 'task-finished' && (event.status === 'failed' || event.status === 'timedOut')) {
      this.channel.error(event.error?.stack ? `${text}\n${event.error.stack}` : text);
    } else if (event.type === 'task-retrying' || (event.type === 'task-finished' && event.status !== 'succeeded')) {
      this.channel.warn(text);
    } else if (event.type === 'run-finished' && event.status !== 'succeeded') {
      this.channel.error(text);
    } else {
      for (const line of text.split('\n')) this.channel.info(line);
    }
  }

  dispose(): void {
    this.channel.dispose();
  }
}
