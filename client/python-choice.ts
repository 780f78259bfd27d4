import * as path from 'node:path';

/**
 * Which Python interpreter a run is given, decided without `vscode` (client/python.ts asks the editor and
 * the Python extension, then hands the answers here).
 */

/** Where the interpreter came from; `engine` means none was passed and the engine chooses. */
export type PythonSource = 'FASTASYNCIO_PYTHON' | 'setting' | 'Python extension' | 'engine';

export interface PythonChoice {
  /** The interpreter to pass as `RunOptions.python`; undefined: pass none. */
  python?: string;
  source: PythonSource;
}

export interface PythonInputs {
  /** `process.env.FASTASYNCIO_PYTHON`: when set, the engine reads it, and it wins. */
  env?: string;
  /** `fastasyncio.pythonPath`, resolved by the server (RunSettings.python). */
  setting?: string;
  /** Asks the Python extension; called only when neither of the above is set. Must not throw. */
  fromExtension: () => Promise<string | undefined>;
}

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** FASTASYNCIO_PYTHON (nothing passed: the engine reads it), else the setting, else the Python extension's, else none. */
export async function choosePython(inputs: PythonInputs): Promise<PythonChoice> {
  if (isSet(inputs.env)) return { source: 'FASTASYNCIO_PYTHON' };
  if (isSet(inputs.setting)) return { python: inputs.setting, source: 'setting' };
  const fromExtension = await inputs.fromExtension();
  return isSet(fromExtension) ? { python: fromExtension, source: 'Python extension' } : { source: 'engine' };
}

/**
 * A promise's value, or undefined when it rejects or has not settled within `ms`: a slow or broken
 * dependency never holds a run up. (The promise itself goes on; its late value is dropped.)
 */
export function timeBox<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** What the file system says of a path (injected, so that the choice is tested without a disk). */
export interface PathProbe {
  isDirectory(file: string): boolean;
  isFile(file: string): boolean;
}

/**
 * The interpreter of an environment as the Python extension describes it: its executable when it has
 * one, else its path; a path that is a folder (an environment without a known executable) is resolved to
 * the interpreter inside it (`bin/python`, on Windows `Scripts\python.exe` or `python.exe`), or undefined
 * when there is none.
 */
export function interpreterOf(
  environment: { executable?: string; path?: string },
  probe: PathProbe,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const candidate = isSet(environment.executable) ? environment.executable : environment.path;
  if (!isSet(candidate)) return undefined;
  if (!probe.isDirectory(candidate)) return candidate;
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const inside = platform === 'win32' ? ['Scripts\\python.exe', 'python.exe'] : ['bin/python', 'bin/python3'];
  return inside.map((relative) => paths.join(candidate, relative)).find((file) => probe.isFile(file));
}

/**
 * One line for the output channel when the extension picked the interpreter (the engine's own line at
 * the start of the run names it too, but not whether the setting or the Python extension chose it);
 * undefined when the engine chooses (its line says how).
 */
export function describeChoice(choice: PythonChoice): string | undefined {
  if (!choice.python) return undefined;
  return choice.source === 'setting' ? 'the fastasyncio.pythonPath setting' : 'the Python extension';
}
