/**
 * What the client and the language server both need to know, declared once. Types and constants only:
 * this module imports neither `vscode` nor the LSP runtime, so either side (or another editor's glue)
 * can import it.
 */

/** The settings section: `fastasyncio.configGlobs`, `fastasyncio.trace.server`, ... */
export const SETTINGS_SECTION = 'fastasyncio';

export type TraceSetting = 'off' | 'messages' | 'verbose';

/** The `fastasyncio.*` settings, as `workspace/configuration` returns the section (nested objects). */
export interface FastAsyncioSettings {
  /** More globs (relative to a workspace folder) of files to treat as job configs. */
  configGlobs: string[];
  /** The task folder for configs that name none, relative to the workspace folder. */
  taskDir?: string;
  /** The handler folder for configs that name none, relative to the workspace folder. */
  handlerDir?: string;
  /** The most tasks of a job that run at once when the job names no `maxConcurrency`. */
  defaultConcurrency?: number;
  /** How many finished runs to keep. */
  keepRuns: number;
  trace: { server: TraceSetting };
}

export const DEFAULT_SETTINGS: FastAsyncioSettings = {
  configGlobs: [],
  keepRuns: 20,
  trace: { server: 'off' },
};

/** Files that are job configs whatever the settings say. */
export const CONFIG_GLOBS: readonly string[] = ['**/job_config.json', '**/*.job.json'];

/** Task and handler module extensions the server watches. */
export const MODULE_GLOB = '**/*.{ts,js,mjs,cjs,py}';

/** `initializationOptions` the server understands; every field is optional. */
export interface InitializationOptions {
  /**
   * Milliseconds between the last keystroke and the analysis; 0 analyses at once. Default: up to 100,
   * less the config's analysis time, so that diagnostics come within 150 ms of the last keystroke.
   */
  debounceMs?: number;
  /** Settings for clients that do not answer `workspace/configuration`. */
  settings?: Partial<FastAsyncioSettings>;
}

/** Commands the server puts in code lenses; the client registers and runs them. */
export const Commands = {
  /** Runs one job of a config. Arguments: one `RunJobArguments`. */
  runJob: 'fastasyncio.runJob',
} as const;

export interface RunJobArguments {
  /** The config's document URI. */
  uri: string;
  /** The job's name. */
  job: string;
}

/** The `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'fastasyncio';
