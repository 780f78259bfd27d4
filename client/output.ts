import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunEvent } from '../engine/run/events';
import { channelEntries, replayedLines } from './channel-lines';
import { frameLinks } from './traceback-links';

/**
 * The "FastAsyncio" log output channel: a timestamped line per run event (the channel adds the time),
 * the tasks' own `ctx.log` and `logging` lines (warnings and errors at their level), and errors with their
 * stacks or tracebacks. syntaxes/fastasyncio-log.tmLanguage.json colours statuses, task names and durations.
 *
 * A recorded run's log ("Show Run Log" on a past run) goes to a second, plain channel, "FastAsyncio
 * Recorded Run", one run at a time: a log channel stamps each line with the time it is written, and a
 * replay must keep each event's own time. Its lines look the same (time, level, text; `log` language).
 */
export class RunLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('FastAsyncio', { log: true });
  private recordedChannel: vscode.OutputChannel | undefined;
  /** Bumped by each replay: a replay that another one replaced stops writing. */
  private replays = 0;

  write(event: RunEvent): void {
    for (const { level, text } of channelEntries(event)) this.channel[level](text);
  }

  /**
   * Shows a recorded run's events in "FastAsyncio Recorded Run", each line with the time it happened.
   * `replay` streams the record's events to its callback. Resolves to how many events were shown.
   */
  async showRecorded(runId: string, replay: (onEvent: (event: RunEvent) => void) => Promise<void>): Promise<number> {
    const channel = (this.recordedChannel ??= vscode.window.createOutputChannel('FastAsyncio Recorded Run', 'log'));
    const replayId = ++this.replays;
    channel.clear();
    channel.show(true);
    let pending: string[] = [];
    let events = 0;
    // Written in chunks: a run of 10,000 tasks has some 20,000 lines.
    const flush = () => {
      if (pending.length && replayId === this.replays) channel.append(`${pending.join('\n')}\n`);
      pending = [];
    };
    await replay((event) => {
      if (replayId !== this.replays) return;
      events++;
      pending.push(...replayedLines(event));
      if (pending.length >= 500) flush();
    });
    flush();
    if (events === 0 && replayId === this.replays) channel.appendLine(`The record of run ${runId} is gone or empty.`);
    return events;
  }

  dispose(): void {
    this.channel.dispose();
    this.recordedChannel?.dispose();
  }
}

/**
 * The file of a traceback frame: an absolute path as it is; a relative one under the first workspace
 * folder that has it (Python prints paths relative to its working directory when imported that way).
 */
function frameUri(file: string): vscode.Uri | undefined {
  if (path.isAbsolute(file)) return vscode.Uri.file(file);
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const candidate = path.join(folder.uri.fsPath, file);
    if (fs.existsSync(candidate)) return vscode.Uri.file(candidate);
  }
  return undefined;
}

/**
 * Makes `File "/abs/task3.py", line 7` in this extension's output channel a link to that line. The
 * channel's document has the `output` scheme and a path made from the extension's id and the channel's
 * name; VS Code's own detection links only the path, without the line (see traceback-links.ts).
 */
export function registerTracebackLinks(extensionId: string): vscode.Disposable {
  const ours = extensionId.toLowerCase();
  return vscode.languages.registerDocumentLinkProvider(
    { scheme: 'output' },
    {
      provideDocumentLinks(document) {
        if (!document.uri.path.toLowerCase().includes(ours)) return [];
        return frameLinks(document.getText()).flatMap((frame) => {
          const uri = frameUri(frame.file);
          if (!uri) return [];
          const link = new vscode.DocumentLink(new vscode.Range(frame.line, frame.start, frame.line, frame.end), uri.with({ fragment: `L${frame.fileLine}` }));
          link.tooltip = `Open ${path.basename(frame.file)} at line ${frame.fileLine}`;
          return [link];
        });
      },
    },
  );
}
