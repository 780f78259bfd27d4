import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * A message with the paths in it as the editor shows paths: relative to their workspace folder (after
 * the folder's name in a multi-root workspace). Paths outside every folder stay absolute.
 */
export function relativePaths(message: string): string {
  const folders = [...(vscode.workspace.workspaceFolders ?? [])].sort((a, b) => b.uri.fsPath.length - a.uri.fsPath.length);
  let shown = message;
  for (const folder of folders) {
    const prefix = folder.uri.fsPath + path.sep;
    shown = shown.split(prefix).join(folders.length > 1 ? folder.name + path.sep : '');
  }
  return shown;
}
