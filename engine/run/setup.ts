import type { Analysis } from '../analysis/analyze';
import { buildGraph, type TaskGraph } from '../analysis/graph';
import { jobErrors } from '../analysis/job-errors';
import { planStages } from '../analysis/plan';
import { readConfigFile } from '../analysis/read-config';
import type { LayoutDefaults } from '../config/layout';
import type { ConfigModel, JobModel, Problem, TaskModel } from '../config/types';
import type { DebugOptions, DebugTarget } from './debug';
import type { PlannedTask, RerunRecord, RunEventInit, RunListener, RunStartedEvent, RunSummary } from './events';
import type { TaskExecutor } from './executor';
import type { LoadScope } from './loader';
import { checkInteger } from './options';
import type { OutputBudget, OutputLimits } from './output';
import { currentOwner } from './owner';
import { openRecorder, type RunRecorder } from './recorder';
import { newRunId } from './records';
import { fingerprints, type RerunRequest, type ResolvedRerun, resolveRerun, wantsRerun } from './rerun';
import type { GraphResume } from './scheduler';

/**
 * What a run is asked to do and how it starts, shared by both runners (`runJob` in this process,
 * `runJobInChild` in a worker): the options, the checks that refuse a run before anything is recorded,
 * and its plan. Nothing here loads task code, so the extension host (which starts runs, never runs
 * tasks) does not carry the loader, the compilers or the Python runtime.
 */

export interface RunOptions {
  /** The config file; read and analysed unless `analysis` or `model` is given. */
  configFile: string;
  analysis?: Analysis;
  /**
   * The config's model as the caller analysed it and found the job runnable (the child runner's parent
   * sends it to its worker): used as it is, neither read nor analysed again.
   */
  model?: ConfigModel;
  /** Task and handler folders for configs that name none (editor settings). */
  defaults?: LayoutDefaults;
  job: string;
  /** Overrides the job's `maxConcurrency`. */
  concurrency?: number;
  signal?: AbortSignal;
  onEvent?: RunListener;
  /** Append events to `.fastasyncio/runs/<runId>.jsonl` (default true), keeping `keep` runs. */
  record?: boolean | { keep?: number };
  runId?: string;
  /** How tasks are executed; in this process by default. */
  executor?: TaskExecutor;
  /** The run's output budget (`outputLimits` or the defaults when not given). */
  output?: OutputBudget;
  outputLimits?: OutputLimits;
  /**
   * Continues a run that a worker killed for a stuck task began (the child-process runner): no
   * `run-started`, the ended tasks as they ended, the handler told through `ctx.resumed`.
   */
  resume?: RunResume;
  /**
   * The Python interpreter for Python tasks and handlers, as the user chose it (`--python`, the
   * `fastasyncio.pythonPath` setting, the Python extension's). Otherwise `FASTASYNCIO_PYTHON`, a `.venv`
   * or `venv` in the project root, `python3`, then `python` (python/interpreter.ts).
   */
  python?: string;
  /** Where `python` came from, for messages (`--python` when not given): "the fastasyncio.pythonPath setting". */
  pythonFrom?: string;
  /** Run every task on workers (`fastasyncio worker`) through BullMQ on this Redis (`--redis`). */
  workers?: WorkersOptions;
  /** Re-run part of the job from earlier runs (`--from`, `--only`, `--param`, `--force`); see rerun.ts. */
  rerun?: RerunRequest;
  /**
   * Debuggers the run's processes listen for (`--inspect`, `--inspect-brk`, `--debug-python`); see debug.ts.
   * Task timeouts are off while debugging.
   */
  debug?: DebugOptions;
  /** Called when a process of the run listens for a debugger (`debug`): where to attach. */
  onDebugTarget?: (target: DebugTarget) => void;
  /** `rerun` as the recording process resolved it (a worker's run); `model` then holds the job as it runs. */
  reuse?: ResolvedRerun;
}

export interface WorkersOptions {
  /** `redis://` or `rediss://` URL, with a password if need be. */
  redis: string;
  /** The project's queue prefix, when not the one derived from it (`projectPrefix`). */
  prefix?: string;
  /** Results larger than this (as JSON) fail their task. Default 1 MB. */
  maxResultBytes?: number;
}

export interface RunResume extends GraphResume {
  /** When the run started (epoch ms), for its duration. */
  startedAt: number;
  /** Attempts so far of every task that started, ended or not, for the summary. */
  summaries: RunSummary['tasks'];
}

/** The config has errors: it is never run. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    super(`${file} has ${problems.filter((p) => p.severity === 'error').length} error(s); fix them before running`);
  }
}

export class JobNotFoundError extends Error {
  override name = 'JobNotFoundError';
}

/**
 * The job to run, from a config's analysis: refuses a job that errors stop (the file's or its own;
 * errors in the other jobs do not count, see `jobErrors`) and unknown job names.
 */
export function findJob(file: string, analysis: Analysis, name: string): { model: ConfigModel; job: JobModel } {
  const errors = jobErrors(analysis, name);
  if (errors.length > 0 || !analysis.model) throw new ConfigError(file, errors.length > 0 ? errors : analysis.problems);
  const job = analysis.model.jobs.find((j) => j.name === name);
  if (!job) {
    const names = analysis.model.jobs.map((j) => j.name);
    throw new JobNotFoundError(`no job "${name}" in ${file}${names.length ? `; jobs: ${names.join(', ')}` : ''}`);
  }
  return { model: analysis.model, job };
}

function analysisOf(options: RunOptions): Analysis {
  return options.analysis ?? readConfigFile(options.configFile, options.defaults).analysis;
}

/** The job of a model that was checked already. */
function modelJob(file: string, model: ConfigModel, name: string): { model: ConfigModel; job: JobModel } {
  const job = model.jobs.find((j) => j.name === name);
  if (!job) throw new JobNotFoundError(`no job "${name}" in ${file}`);
  return { model, job };
}

/** What a run starts from, in either runner. */
export interface RunSetup {
  /** The config's model; with a re-run, its job is the job as it runs (`reuse`). */
  model: ConfigModel;
  job: JobModel;
  runId: string;
  /** The run's record, open unless the run is not recorded; the runner closes it when the run ends. */
  recorder: RunRecorder | undefined;
  /** What a re-run reuses from earlier runs (`rerun`). */
  reuse?: ResolvedRerun;
}

/**
 * The set-up `runJob` and `runJobInChild` share: the config read and analysed (unless the analysis is
 * given), the job found (`findJob`: a job that errors stop or an unknown job is refused), the options
 * checked and a re-run worked out (`RerunError` when it cannot be done), then the run's id and its
 * record. A refused run throws before anything is recorded.
 */
export async function setUpRun(options: RunOptions): Promise<RunSetup> {
  let { model, job } = options.model ? modelJob(options.configFile, options.model, options.job) : findJob(options.configFile, analysisOf(options), options.job);
  checkInteger('concurrency', options.concurrency);
  let reuse = options.reuse;
  if (!reuse && options.rerun && wantsRerun(options.rerun)) {
    ({ model, job, rerun: reuse } = await resolveRerun(model, job, options.rerun));
  }
  const runId = options.runId ?? newRunId();
  return { model, job, runId, recorder: openRecorder(model.layout.root, runId, options.record ?? true), reuse };
}

export function loadScope(model: ConfigModel): LoadScope {
  return { folders: [model.layout.taskDir, model.layout.handlerDir], root: model.layout.root };
}

/**
 * The `run-started` event's plan: tasks with their stages, params and modules' fingerprints (what a later
 * `--from` compares), and what a re-run was asked to do.
 */
export function planEvent(
  job: JobModel,
  base: Pick<RunStartedEvent, 'runId' | 'seq' | 'time' | 'configFile' | 'root' | 'concurrency'>,
  graph?: TaskGraph,
  rerun?: RerunRecord,
): RunStartedEvent {
  const taskGraph = graph ?? buildGraph(job);
  const { stage, stages } = planStages(taskGraph);
  // A task's index in the graph is its index in the job (a runnable job's ids are unique).
  const stageOf = (t: TaskModel, i: number): number => {
    const index = taskGraph.tasks[i] === t ? i : taskGraph.indexOf.get(t.id);
    return index === undefined ? 0 : stage[index];
  };
  const fingerprint = lastOf(fingerprints(base.root));
  const modules: Record<string, string> = {};
  const event: RunStartedEvent = {
    type: 'run-started',
    ...base,
    owner: currentOwner(),
    job: job.name,
    tasks: job.tasks.map((t, i) => {
      const planned: PlannedTask = { id: t.id, className: t.className, dependencies: t.dependencies, stage: stageOf(t, i) };
      for (const _ in t.params) {
        planned.params = t.params;
        break;
      }
      const module = t.module === undefined ? undefined : fingerprint(t.module);
      if (module) {
        planned.module = module.path;
        modules[module.path] = module.sha1;
      }
      return planned;
    }),
    stages,
    modules,
  };
  if (rerun) event.rerun = rerun;
  return event;
}

/** `f`, answering a repeated argument from its last answer: most tasks share their neighbour's module. */
function lastOf<T>(f: (key: string) => T): (key: string) => T {
  let lastKey: string | undefined;
  let last: T;
  return (key) => {
    if (key !== lastKey) {
      last = f(key);
      lastKey = key;
    }
    return last;
  };
}

/** The re-run's notes, then its reused tasks as ended (a resumed run has them already). */
export function reusedEvents(reuse: ResolvedRerun): RunEventInit[] {
  const events: RunEventInit[] = reuse.notes.map((message) => ({ type: 'run-log', message }));
  for (const [task, { from, result }] of Object.entries(reuse.reused)) {
    const event: RunEventInit = { type: 'task-finished', task, status: 'succeeded', attempts: 0, durationMs: 0, reused: from };
    if (result !== undefined) event.result = result;
    events.push(event);
  }
  return events;
}
