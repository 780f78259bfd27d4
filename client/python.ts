import * as fs from 'node:fs';
import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { choosePython, type PathProbe, type PythonChoice, interpreterOf, timeBox } from './python-choice';

/** How long a run waits for the Python extension (activation, then resolving the environment) at most. */
const EXTENSION_TIMEOUT_MS = 1500;

const probe: PathProbe = {
  isDirectory: (file) => fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() === true,
  isFile: (file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true,
};

/**
 * The interpreter selected in the Python extension for `folder`, through its public API; undefined when
 * the extension is not installed, fails, or does not answer within the time box. Never throws.
 */
async function fromPythonExtension(folder: vscode.WorkspaceFolder | undefined, log: vscode.LogOutputChannel): Promise<string | undefined> {
  if (!vscode.extensions.getExtension(PVSC_EXTENSION_ID)) return undefined;
  const deadline = Date.now() + EXTENSION_TIMEOUT_MS;
  try {
    // Activates the extension if it is not active yet (the job runs Python: the user has it for that).
    const api = await timeBox(PythonExtension.api(), deadline - Date.now());
    if (!api) {
      log.warn(
        `The Python extension gave no interpreter within ${EXTENSION_TIMEOUT_MS} ms (it failed to activate, or is slow): the engine chooses one for this run.`,
      );
      return undefined;
    }
    const active = api.environments.getActiveEnvironmentPath(folder?.uri);
    const resolved = await timeBox(api.environments.resolveEnvironment(active), deadline - Date.now());
    return interpreterOf({ executable: resolved?.executable.uri?.fsPath, path: active.path }, probe);
  } catch (error) {
    log.warn(`Asking the Python extension for its interpreter failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/**
 * The interpreter a run of a job with Python modules is given: none when FASTASYNCIO_PYTHON is set (the
 * engine reads it, and it wins), else `fastasyncio.pythonPath` (resolved by the server), else the Python
 * extension's for the config's folder, else none (the engine looks for one).
 */
export function pickPython(configFile: string, setting: string | undefined, log: vscode.LogOutputChannel): Promise<PythonChoice> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(configFile));
  return choosePython({ env: process.env.FASTASYNCIO_PYTHON, setting, fromExtension: () => fromPythonExtension(folder, log) });
}

/**
 * The debugpy the Python extension ships (`debug.getDebuggerPackagePath`), for a Python runner whose
 * interpreter has none; undefined when the extension is not installed or does not answer in time.
 */
export async function debuggerPackagePath(log: vscode.LogOutputChannel): Promise<string | undefined> {
  if (!vscode.extensions.getExtension(PVSC_EXTENSION_ID)) return undefined;
  try {
    const api = await timeBox(PythonExtension.api(), EXTENSION_TIMEOUT_MS);
    return (await timeBox(api?.debug.getDebuggerPackagePath() ?? Promise.resolve(undefined), EXTENSION_TIMEOUT_MS)) ?? undefined;
  } catch (error) {
    log.warn(`Asking the Python extension for its debugpy failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
