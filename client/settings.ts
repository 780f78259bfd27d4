import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LayoutDefaults } from '../engine/config/layout';
import { SETTINGS_SECTION } from '../server/protocol';

function section(file?: string): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION, file ? vscode.Uri.file(file) : undefined);
}

/** The `taskDir` / `handlerDir` settings for a config, resolved against its workspace folder (as the server does). */
export function layoutDefaults(file: string): LayoutDefaults {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath ?? path.dirname(file);
  const settings = section(file);
  const resolve = (key: 'taskDir' | 'handlerDir') => {
    const value = settings.get<string>(key);
    return value ? path.resolve(folder, value) : undefined;
  };
  return { taskDir: resolve('taskDir'), handlerDir: resolve('handlerDir') };
}

export function defaultConcurrency(file: string): number | undefined {
  return section(file).get<number>('defaultConcurrency') || undefined;
}

export function keepRuns(file: string): number {
  return section(file).get<number>('keepRuns', 20);
}

export function configGlobs(): string[] {
  return section().get<string[]>('configGlobs', []);
}
