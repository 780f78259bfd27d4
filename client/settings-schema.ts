import { DEFAULT_SETTINGS, type FastAsyncioSettings, SETTINGS_SECTION } from '../server/protocol';

type Flat<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends Record<string, unknown>
    ? T[K] extends unknown[]
      ? `${Prefix}${K}`
      : keyof Flat<T[K], `${Prefix}${K}.`>
    : `${Prefix}${K}`;
}[keyof T & string] extends infer Keys
  ? { [K in Keys & string]: unknown }
  : never;

/** Every setting key, `fastasyncio.`-prefixed, derived from the one typed definition. */
export type SettingKey = `${typeof SETTINGS_SECTION}.${Extract<keyof Flat<FastAsyncioSettings>, string>}`;

interface SettingSchema {
  type: string | string[];
  default?: unknown;
  description: string;
  enum?: string[];
  items?: { type: string };
  minimum?: number;
  scope?: 'window' | 'resource' | 'machine-overridable';
}

/**
 * `contributes.configuration.properties` of package.json, as data: a test checks that package.json
 * holds exactly this, and that the defaults are DEFAULT_SETTINGS.
 */
export const SETTINGS_CONTRIBUTION: Record<SettingKey, SettingSchema> = {
  'fastasyncio.configGlobs': {
    type: 'array',
    items: { type: 'string' },
    default: DEFAULT_SETTINGS.configGlobs,
    description: 'More globs (relative to a workspace folder) of files to treat as job configs, besides **/job_config.json and **/*.job.json.',
    scope: 'resource',
  },
  'fastasyncio.taskDir': {
    type: 'string',
    description: 'The task folder for configs that set no "taskDir", relative to the workspace folder. Default: src/job/task under the project root.',
    scope: 'resource',
  },
  'fastasyncio.handlerDir': {
    type: 'string',
    description:
      'The handler folder for configs that set no "handlerDir", relative to the workspace folder. Default: src/joborchrestrator/handler under the project root.',
    scope: 'resource',
  },
  'fastasyncio.defaultConcurrency': {
    type: 'integer',
    minimum: 1,
    description: 'The most tasks of a job that run at once when the job sets no "maxConcurrency". Empty: no limit.',
    scope: 'resource',
  },
  'fastasyncio.keepRuns': {
    type: 'integer',
    minimum: 1,
    default: DEFAULT_SETTINGS.keepRuns,
    description: 'How many run records to keep in .fastasyncio/runs of each project.',
    scope: 'resource',
  },
  // machine-overridable: an interpreter path belongs to one machine, so Settings Sync does not carry the
  // user's value to another; a workspace or a folder (each project its own venv) may still set one.
  'fastasyncio.pythonPath': {
    type: 'string',
    description:
      'The Python interpreter for jobs with Python tasks: a path (${workspaceFolder} and paths relative to the workspace folder are resolved) or a command on the PATH. Empty: the interpreter selected in the Python extension, else a .venv or venv in the project, python3, python. The FASTASYNCIO_PYTHON environment variable, when set, wins over all of these.',
    scope: 'machine-overridable',
  },
  // machine-overridable too: which Redis is reachable, and how (localhost, a tunnel), depends on the
  // machine the extension runs on, and the URL may hold a password that Settings Sync must not carry to
  // other machines; a workspace or a folder (each project its own Redis) may still set one.
  'fastasyncio.redisUrl': {
    type: 'string',
    description:
      'The Redis through which jobs can run their tasks on workers (fastasyncio worker <config> --redis URL, on this or other machines): a redis:// or rediss:// (TLS) URL, with :password@ if need be (it is shown masked). When set, Run Job asks whether to run locally or on workers. Empty: the FASTASYNCIO_REDIS_URL environment variable, when set.',
    scope: 'machine-overridable',
  },
  'fastasyncio.trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: DEFAULT_SETTINGS.trace.server,
    description: 'Traces the communication between VS Code and the FastAsyncio language server.',
    scope: 'window',
  },
};
