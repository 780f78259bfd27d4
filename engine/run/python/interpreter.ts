import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIN_PYTHON } from './protocol';

/** The interpreter a run's Python tasks use, and how it was found (shown at the start of the run). */
export interface Interpreter {
  executable: string;
  /** `--python`, `FASTASYNCIO_PYTHON`, `.venv`, `PATH`... */
  source: string;
}

/** No interpreter could be found, or the one chosen is unusable: the message says what was tried and how to choose. */
export class PythonUnavailableError extends Error {
  override name = 'PythonUnavailableError';
}

/** How to choose an interpreter, for every message that says none could be used. */
export const HOW_TO_CHOOSE = `choose one (Python ${MIN_PYTHON} or later) with --python <path>, the FASTASYNCIO_PYTHON environment variable or the fastasyncio.pythonPath setting`;

export interface InterpreterSearch {
  /** The user's choice: `--python`, or in VS Code the `fastasyncio.pythonPath` setting or the Python extension's. */
  chosen?: string;
  /** A description of where `chosen` came from, for messages. */
  chosenFrom?: string;
  /** The project root, where `.venv` and `venv` are looked for. */
  root: string;
  env?: NodeJS.ProcessEnv;
}

const windows = process.platform === 'win32';
const VENV_PYTHON = windows ? ['Scripts/python.exe'] : ['bin/python', 'bin/python3'];

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (!windows) fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` looked up on PATH (with PATHEXT on Windows), as a shell would. */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const extensions = windows ? (env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const file = path.join(dir, name + ext);
      if (isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

/**
 * What a user gave (a path, a folder holding an environment, or a bare command name) as an executable:
 * a folder is taken as an environment (`bin/python`), a bare name is looked up on PATH.
 */
function resolveGiven(given: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!given.includes('/') && !given.includes(path.sep)) return onPath(given, env);
  const file = path.resolve(given);
  try {
    if (fs.statSync(file).isDirectory()) return VENV_PYTHON.map((p) => path.join(file, p)).find(isExecutableFile);
  } catch {
    return undefined;
  }
  return isExecutableFile(file) ? file : undefined;
}

/**
 * Chooses the Python interpreter, in order: the user's choice (`--python`, or the editor's setting or Python
 * extension); `FASTASYNCIO_PYTHON`; a `.venv` or `venv` in the project root; `python3`, then `python` on
 * PATH. A choice that points at nothing usable is an error, not a reason to fall back: the user meant it.
 * Only files are looked at here; the runner itself checks the version when it starts.
 */
export function findInterpreter(search: InterpreterSearch): Interpreter {
  const env = search.env ?? process.env;
  const given: [string | undefined, string][] = [
    [search.chosen, search.chosenFrom ?? '--python'],
    [env.FASTASYNCIO_PYTHON, 'FASTASYNCIO_PYTHON'],
  ];
  for (const [value, source] of given) {
    if (!value) continue;
    const executable = resolveGiven(value, env);
    if (!executable) throw new PythonUnavailableError(`the Python interpreter from ${source} (${value}) was not found or is not executable; ${HOW_TO_CHOOSE}`);
    return { executable, source };
  }
  const tried: string[] = [];
  for (const venv of ['.venv', 'venv']) {
    for (const relative of VENV_PYTHON) {
      const file = path.join(search.root, venv, relative);
      tried.push(file);
      if (isExecutableFile(file)) return { executable: file, source: venv };
    }
  }
  for (const name of ['python3', 'python']) {
    tried.push(`${name} on PATH`);
    const file = onPath(name, env);
    if (file) return { executable: file, source: `${name} on PATH` };
  }
  throw new PythonUnavailableError(
    `no Python interpreter found for the job's Python modules; tried --python (not given), FASTASYNCIO_PYTHON (not set), ${tried.join(', ')}; ${HOW_TO_CHOOSE}`,
  );
}
