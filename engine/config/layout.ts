import * as path from 'node:path';
import type { ProjectFiles } from '../files';
import type { ProjectLayout } from './types';

export const DEFAULT_TASK_DIR = 'src/job/task';
/** The seed's spelling first; the corrected one is accepted too. */
export const DEFAULT_HANDLER_DIRS = ['src/joborchrestrator/handler', 'src/joborchestrator/handler'];

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field !== '' ? field : undefined;
}

/** Absolute folders used when a config names none (the editor's `taskDir`/`handlerDir` settings). */
export interface LayoutDefaults {
  taskDir?: string;
  handlerDir?: string;
}

/**
 * Where a config's project, task and handler folders are. The seed's layout is the default: a config in
 * `configs/` belongs to the project above it. `root`, `taskDir` and `handlerDir` in the config (relative
 * to the config file) override it.
 */
export function resolveLayout(configFile: string, value: unknown, files: ProjectFiles, defaults: LayoutDefaults = {}): ProjectLayout {
  const file = path.resolve(configFile);
  const configDir = path.dirname(file);
  const rootField = stringField(value, 'root');
  const root = rootField ? path.resolve(configDir, rootField) : path.basename(configDir) === 'configs' ? path.dirname(configDir) : configDir;
  const taskField = stringField(value, 'taskDir');
  const handlerField = stringField(value, 'handlerDir');
  const taskDir = taskField ? path.resolve(configDir, taskField) : (defaults.taskDir ?? path.join(root, DEFAULT_TASK_DIR));
  let handlerDir: string;
  if (handlerField) {
    handlerDir = path.resolve(configDir, handlerField);
  } else if (defaults.handlerDir) {
    handlerDir = defaults.handlerDir;
  } else {
    const candidates = DEFAULT_HANDLER_DIRS.map((d) => path.join(root, d));
    handlerDir = candidates.find((d) => files.readDir(d) !== undefined) ?? candidates[0];
  }
  return { configFile: file, root, taskDir, handlerDir };
}
