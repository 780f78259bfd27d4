/**
 * The job-config model and the problem type shared by the analysis, the CLI, the language server and
 * the engine. Everything here is plain JSON-serialisable data.
 */

/** A 0-based position; `character` counts UTF-16 code units, as LSP does. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const PROBLEM_CODES = [
  'syntax',
  'schema',
  'duplicate-job',
  'duplicate-task',
  'unknown-dependency',
  'self-dependency',
  'cycle',
  'missing-handler',
  'missing-handler-class',
  'missing-task',
  'missing-task-class',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface RelatedLocation {
  message: string;
  range: Range;
  /** Absolute path of another file, when the place is not in the config itself. */
  file?: string;
}

/** Facts a quick fix needs, so that code actions never re-derive them from the message. */
export interface ProblemData {
  /** The close name for an unknown dependency. */
  suggestion?: string;
  /** The module file that would fix a missing task or handler (absolute path). */
  expectedFile?: string;
  /** The class that file should declare. */
  className?: string;
  /** The job and task the problem belongs to. */
  job?: string;
  task?: string;
  /** For `cycle` and `unknown-dependency`: the dependency entry's path in the document. */
  dependency?: string;
  /** For `cycle`: the whole path, first task repeated at the end. */
  cycle?: string[];
}

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  message: string;
  range: Range;
  related?: RelatedLocation[];
  data?: ProblemData;
}

export type OnFailure = 'continue' | 'stop';

export interface TaskModel {
  /** The task's id in the job (`name`). */
  id: string;
  /** The task class (`task`, or `name` when absent). */
  className: string;
  dependencies: string[];
  params: Record<string, unknown>;
  /** Seconds. */
  timeout?: number;
  retries: number;
  /** Seconds before the first retry; doubles on each later retry. */
  retryDelay: number;
  /** Absolute path of the module that declares the class, when the resolver found one. */
  module?: string;
  /** Index in the job's `tasks` array. */
  index: number;
}

export interface JobModel {
  name: string;
  /** `module.Class` or `GenericJobHandler`. */
  handler: string;
  description?: string;
  maxConcurrency?: number;
  onFailure: OnFailure;
  tasks: TaskModel[];
  /** Absolute path of the handler module; absent for `GenericJobHandler` or when not found. */
  handlerModule?: string;
  /** The handler's class name (the part after the last dot). */
  handlerClass: string;
  /** Index in the config's `jobs` array. */
  index: number;
}

export interface ProjectLayout {
  /** Absolute path of the config file. */
  configFile: string;
  root: string;
  taskDir: string;
  handlerDir: string;
}

export interface ConfigModel {
  layout: ProjectLayout;
  jobs: JobModel[];
}

export const BUILTIN_HANDLER = 'GenericJobHandler';
