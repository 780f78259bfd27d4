/**
 * What the client and the language server both need to know, declared once. Types and constants only:
 * this module imports neither `vscode` nor the LSP runtime, so either side (or another editor's glue)
 * can import it.
 *
 * Custom messages follow vscode-eslint's pattern, one namespace each: its `method`, and as types its
 * `Params` (and a request's `Result`). Each side passes `X.method` and types the handler with them.
 */
/* eslint-disable @typescript-eslint/no-namespace -- one namespace per custom message, as in vscode-eslint */
import type { PlanStage } from '../engine/analysis/plan';

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
  /**
   * The Python interpreter for jobs with Python modules: a path (`${workspaceFolder}`, `~` and paths
   * relative to the workspace folder are resolved) or a command on the PATH.
   */
  pythonPath?: string;
  /**
   * The Redis that runs on workers (`fastasyncio worker`) go through: a `redis://` or `rediss://` URL,
   * with a password if need be. Never logged; shown with its password masked.
   */
  redisUrl?: string;
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
  /** Whether the client wants `fastasyncio/jobsChanged` notifications (other editors need not handle them). */
  jobs?: boolean;
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

/** A task of a job, as the jobs view and Run Job need it. */
export interface TaskInfo {
  /** The task's id in the job (`name`). */
  id: string;
  /** Index in the job's `tasks` array. */
  index: number;
  dependencies: string[];
  /** Absolute path of the module that declares the task's class, when there is one. */
  module?: string;
}

/** A job of a config with its plan. */
export interface JobInfo {
  name: string;
  /** Index in the config's `jobs` array. */
  index: number;
  /** `module.Class` or `GenericJobHandler`. */
  handler: string;
  description?: string;
  maxConcurrency?: number;
  tasks: TaskInfo[];
  /** Which tasks run together and which wait for which (the engine's `planJob`). */
  stages: PlanStage[];
  /** Tasks that can never run (in or behind a cycle). */
  unreachable: string[];
  /** The errors that keep this job from running: the file's and its own (the engine's `jobErrors`). */
  errors: number;
}

/** How many problems of each severity a config has. */
export interface ProblemCounts {
  errors: number;
  warnings: number;
  /** Information and hints. */
  others: number;
}

/**
 * What a run of a config uses from the settings, resolved for the config's workspace folder by the
 * server (the one place settings are resolved): the client hands them to the engine as they are.
 */
export interface RunSettings {
  /** Absolute task folder for a config that names none (`fastasyncio.taskDir`). */
  taskDir?: string;
  /** Absolute handler folder for a config that names none (`fastasyncio.handlerDir`). */
  handlerDir?: string;
  /** `fastasyncio.defaultConcurrency`: for jobs without their own `maxConcurrency`. */
  defaultConcurrency?: number;
  /** `fastasyncio.keepRuns`. */
  keepRuns: number;
  /**
   * `fastasyncio.pythonPath`, resolved: an absolute path, or a command name the PATH resolves. Absent:
   * the client asks the Python extension, else the engine chooses.
   */
  python?: string;
  /**
   * `fastasyncio.redisUrl`, when set: Run Job then offers to run the tasks on workers through it (the
   * client falls back on its own FASTASYNCIO_REDIS_URL). May hold a password: never log it.
   */
  redis?: string;
}

/** One config as the server analysed it: its open document's text, else the disk's. */
export interface ConfigJobs {
  uri: string;
  /** Absolute path. */
  file: string;
  /**
   * The open document's version the analysis was made from; `null` when it was made from the disk. A
   * later version that changes none of the rest is not sent again.
   */
  version: number | null;
  /** The project root (runs are recorded in its `.fastasyncio/runs`). */
  root: string;
  /** The task folder, absolute. */
  taskDir: string;
  /** The jobs, in the config's order; empty when the text is not a config the analysis can read. */
  jobs: JobInfo[];
  problems: ProblemCounts;
  run: RunSettings;
}

/**
 * The job configs of the workspace, from the client: every config the server knows (found on disk or
 * open), in path order, once the scan under way has ended. `rescan` finds and analyses them all again
 * first (and publishes their diagnostics); `uris` answers those configs only.
 */
export namespace JobsRequest {
  export const method = 'fastasyncio/jobs';
  export type Params = { rescan?: boolean; uris?: string[] } | null;
  export type Result = ConfigJobs[];
}

/**
 * From the server, to clients that asked for it (`InitializationOptions.jobs`), whenever the jobs, plans,
 * problem counts or run settings of configs change: their new state, and the configs that are gone.
 */
export namespace JobsChangedNotification {
  export const method = 'fastasyncio/jobsChanged';
  export interface Params {
    changed: ConfigJobs[];
    /** Absolute paths of configs the server no longer reports on. */
    removed: string[];
  }
}
