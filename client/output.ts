import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunEvent } from '../engine/run/events';
import { channelEntries } from './channel-lines';
import { frameLinks } from './traceback-links';

/**
 * The "FastAsyncio" log output channel: a timestamped line per run event (the channel adds the time),
 * the tasks' own `ctx.log` and `logging` lines (warnings and errors at their level), and errors with their
 * stacks or tracebacks. syntaxes/fastasyncio-log.tmLanguage.json colours statuses, task names and durations.
 */
export class RunLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('FastAsyncio', { log: true });

  write(event: RunEvent): void {
    for (const { level, text } of channelEntries(event)) this.channel[level](text);
  }

  dispose(): void {
    this.channel.dispose();
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
