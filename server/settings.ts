import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, type FastAsyncioSettings, type TraceSetting } from './protocol';

const TRACE: readonly TraceSetting[] = ['off', 'messages', 'verbose'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * Settings from whatever the client sent (the `fastasyncio` section, or `initializationOptions.settings`),
 * over the defaults. Values of the wrong type are ignored, never trusted.
 */
export function readSettings(...sources: unknown[]): FastAsyncioSettings {
  const settings: FastAsyncioSettings = { ...DEFAULT_SETTINGS, trace: { ...DEFAULT_SETTINGS.trace } };
  for (const source of sources) {
    if (!isRecord(source)) continue;
    if (Array.isArray(source.configGlobs)) settings.configGlobs = source.configGlobs.filter((g): g is string => typeof g === 'string');
    const taskDir = nonEmpty(source.taskDir);
    if (taskDir) settings.taskDir = taskDir;
    const handlerDir = nonEmpty(source.handlerDir);
    if (handlerDir) settings.handlerDir = handlerDir;
    if (Number.isInteger(source.defaultConcurrency) && (source.defaultConcurrency as number) > 0)
      settings.defaultConcurrency = source.defaultConcurrency as number;
    if (Number.isInteger(source.keepRuns) && (source.keepRuns as number) >= 0) settings.keepRuns = source.keepRuns as number;
    const pythonPath = nonEmpty(source.pythonPath);
    if (pythonPath) settings.pythonPath = pythonPath.trim();
    const redisUrl = nonEmpty(source.redisUrl);
    if (redisUrl) settings.redisUrl = redisUrl.trim();
    const trace = isRecord(source.trace) ? source.trace.server : undefined;
    if (TRACE.includes(trace as TraceSetting)) settings.trace = { server: trace as TraceSetting };
  }
  return settings;
}

/**
 * `fastasyncio.pythonPath` for a workspace folder: `${workspaceFolder}` and `${userHome}` (or a leading
 * `~`) replaced, a relative path (one with a separator, `.venv/bin/python`) resolved against the folder.
 * A bare name (`python3`, `py`) stays a command for the PATH to resolve, as in a terminal.
 */
export function resolvePythonPath(value: string | undefined, folder: string, home = os.homedir()): string | undefined {
  if (!value?.trim()) return undefined;
  const expanded = value
    .trim()
    .replace(/\$\{workspaceFolder\}/g, () => folder)
    .replace(/\$\{userHome\}/g, () => home)
    .replace(/^~(?=$|[\\/])/, () => home);
  if (path.isAbsolute(expanded)) return expanded;
  return /[\\/]/.test(expanded) ? path.resolve(folder, expanded) : expanded;
}
