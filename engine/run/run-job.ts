import type { Analysis } from '../analysis/analyze';
import { buildGraph, type TaskGraph } from '../analysis/graph';
import { jobErrors } from '../analysis/job-errors';
import { planJob } from '../analysis/plan';
import { readConfigFile } from '../analysis/read-config';
import type { LayoutDefaults } from '../config/layout';
import { BUILTIN_HANDLER, type ConfigModel, type JobModel, type Problem } from '../config/types';
import { GenericJobHandler, type HandlerLike, type JobContext, runHandler } from '../runtime/handler';
import {
  type LineOrigin,
  type PlannedTask,
  type RerunRecord,
  type RunEvent,
  type RunEventInit,
  type RunListener,
  type RunStartedEvent,
  type RunSummary,
  withOrigin,
} from './events';
import { type DebugOptions, type DebugTarget, isDebugging, TIMEOUTS_OFF } from './debug';
import type { TaskExecutor } from './executor';
import { InProcessExecutor } from './in-process-executor';
import { type LoadScope, loadClass } from './loader';
import { isPythonModule, ModuleExecutor, usesPython } from './module-executor';
import { checkInteger } from './options';
import { eventSink, openRecorder, type RunRecorder } from './recorder';
import { newRunId } from './records';
import { OutputBudget, type OutputLimits, splitLong } from './output';
import { currentOwner } from './owner';
import { PythonUnavailableError } from './python/interpreter';
import { RedisUnavailableError } from './queue/redis';
import { PythonRuntime } from './python/runtime';
import { fingerprints, type RerunRequest, type ResolvedRerun, resolveRerun } from './rerun';
import { errorInfo, type GraphResume, runGraph, type TaskLog } from './scheduler';
import { RunState } from './summary';

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
    const resolved = await resolveRerun(model, job, options.rerun);
    const runs = resolved.job;
    reuse = resolved.rerun;
    model = { ...model, jobs: model.jobs.map((j) => (j === job ? runs : j)) };
    job = runs;
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
  const plan = planJob(job, graph);
  const modules = fingerprints(base.root);
  const event: RunStartedEvent = {
    type: 'run-started',
    ...base,
    owner: currentOwner(),
    job: job.name,
    tasks: job.tasks.map((t) => {
      const planned: PlannedTask = { id: t.id, className: t.className, dependencies: t.dependencies, stage: plan.stageOf[t.id] ?? 0 };
      for (const _ in t.params) {
        planned.params = t.params;
        break;
      }
      const module = t.module === undefined ? undefined : modules(t.module);
      if (module) {
        planned.module = module.path;
        planned.moduleSha1 = module.sha1;
      }
      return planned;
    }),
    stages: plan.stages,
  };
  if (rerun) event.rerun = rerun;
  return event;
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

/** Whether a re-run request asks for anything (an empty one is a plain run). */
function wantsRerun(request: RerunRequest): boolean {
  return request.from !== undefined || (request.only?.length ?? 0) > 0 || Object.keys(request.params ?? {}).length > 0;
}

/**
 * Runs one job of a config in this process and resolves with its summary; never rejects for a task's
 * failure (that is in the summary), only for a config with errors or an unknown job.
 */
export async function runJob(options: RunOptions): Promise<RunSummary> {
  const { model, job, runId, recorder, reuse } = await setUpRun(options);
  const state = new RunState();
  let seq = 0;
  const nextSeq = () => ++seq;
  const emit = eventSink(state, recorder, options.onEvent);
  const { resume } = options;
  const started = resume ? performance.now() - (Date.now() - resume.startedAt) : performance.now();
  const concurrency = options.concurrency ?? job.maxConcurrency ?? null;
  const taskGraph = buildGraph(job);
  if (resume) seed(state, job, runId, resume);
  else {
    emit(
      planEvent(
        job,
        { runId, seq: nextSeq(), time: Date.now(), configFile: model.layout.configFile, root: model.layout.root, concurrency },
        taskGraph,
        reuse?.record,
      ),
    );
    for (const event of reuse ? reusedEvents(reuse) : []) emit({ ...event, runId, seq: nextSeq(), time: Date.now() });
  }

  // Every log line goes through the run's output budget: split when long, counted and not kept past it.
  const budget = options.output ?? new OutputBudget(options.outputLimits);
  const logLine = (task: string | undefined, message: string, origin?: LineOrigin) =>
    splitLong(message, (line) => {
      if (!budget.admit(task, line.length)) return;
      const base = { runId, seq: nextSeq(), time: Date.now(), message: line };
      const event: RunEvent = task === undefined ? { type: 'run-log', ...base } : { type: 'task-log', task, ...base };
      withOrigin(event, origin);
      emit(event);
    });
  const taskLog: TaskLog = logLine;
  const sayDropped = (task: string | undefined) => {
    const notice = budget.notice(task);
    if (!notice) return;
    const base = { runId, seq: nextSeq(), time: Date.now(), message: notice.message, dropped: notice.dropped };
    emit(task === undefined ? { type: 'run-log', ...base } : { type: 'task-log', task, ...base });
  };

  const debugging = isDebugging(options.debug);
  if (debugging && !resume) {
    logLine(undefined, TIMEOUTS_OFF);
    if (options.debug?.python && !usesPython(job)) logLine(undefined, 'debugpy is not started: the job has no Python tasks or handler');
  }

  const signal = options.signal ?? new AbortController().signal;
  const scope = loadScope(model);
  // Started only when a Python task or handler needs it.
  const python = new PythonRuntime({
    root: model.layout.root,
    python: options.python,
    pythonFrom: options.pythonFrom,
    log: (message, origin) => logLine(undefined, message, origin),
    debug: options.debug?.python,
    onDebugTarget: options.onDebugTarget,
  });
  let executor: TaskExecutor = options.executor ?? new ModuleExecutor(new InProcessExecutor(scope), python);
  // Modules are readied while the handler starts (a Python runner, compiled TypeScript); on workers, there.
  let prepare = Promise.resolve();
  const ready = (e: TaskExecutor): void => {
    prepare = e.prepare?.(job.tasks.map((t) => ({ module: t.module ?? '', className: t.className }))) ?? prepare;
  };
  if (!options.workers) ready(executor);
  let graph: Promise<unknown> | undefined;
  const ctx: JobContext = {
    job: job.name,
    runId,
    signal,
    resumed: resume !== undefined,
    log: (message) => logLine(undefined, String(message)),
    runTasks: async () => {
      graph ??= prepare.then(() =>
        runGraph({
          runId,
          job,
          executor,
          concurrency: options.concurrency,
          signal,
          emit,
          nextSeq,
          graph: taskGraph,
          log: taskLog,
          beforeFinish: sayDropped,
          resume: graphResume(resume, reuse),
          timeouts: !debugging,
        }),
      );
      await graph;
      return state.summary();
    },
  };
  try {
    let error: string | undefined;
    let output: unknown;
    try {
      if (options.workers) {
        executor = await queueExecutor(options.workers, model, runId, (message, origin) => logLine(undefined, message, origin));
        ready(executor);
      }
      // No usable interpreter fails the run at once, saying what was tried.
      else if (usesPython(job)) await python.start();
      const handler = await loadHandler(job, scope, python);
      output = await runHandler(handler, ctx);
    } catch (e) {
      if (e instanceof PythonUnavailableError || e instanceof RedisUnavailableError) {
        error = e.message;
        logLine(undefined, e.message, { level: 'error' });
      } else {
        error = `${job.handler}: ${errorInfo(e).message}`;
        logLine(undefined, `handler failed: ${errorInfo(e).stack ?? errorInfo(e).message}`);
      }
    }
    if (!graph) {
      // The handler failed early or never ran the tasks: they end skipped, the run failed.
      error ??= `${job.handler}: run() returned without running the tasks`;
      for (const t of job.tasks) {
        // A resumed run's tasks that ended in an earlier worker keep their ending.
        const status = state.tasks[t.id]?.status;
        if (status !== undefined && status !== 'pending' && status !== 'running') continue;
        emit({
          type: 'task-finished',
          runId,
          seq: nextSeq(),
          time: Date.now(),
          task: t.id,
          status: 'skipped',
          attempts: 0,
          durationMs: 0,
          error: { message: 'skipped: the job handler did not run the tasks' },
        });
      }
    } else {
      await graph;
    }
    // Abandoned attempts get to clean up (a cancelled Python task's `finally`), their output still the run's.
    await Promise.all([executor.close?.(), python.close()]);
    // What was dropped after its task had ended (an abandoned attempt still printing), then the run's own.
    for (const task of budget.pendingTasks()) sayDropped(task);
    sayDropped(undefined);
    const statuses = Object.values(state.tasks).map((t) => t.status);
    const status = signal.aborted ? 'cancelled' : error || statuses.some((s) => s !== 'succeeded') ? 'failed' : 'succeeded';
    const durationMs = performance.now() - started;
    const summary: Omit<RunSummary, 'results'> = { job: job.name, runId, status, durationMs, tasks: state.tasks };
    if (output !== undefined) summary.output = output;
    if (error) summary.error = error;
    emit({ type: 'run-finished', runId, seq: nextSeq(), time: Date.now(), status, durationMs, summary });
    return state.summary();
  } finally {
    recorder?.close();
  }
}

/** Where the graph starts: what an earlier worker ended (a resumed run) and what a re-run reuses. */
function graphResume(resume: RunResume | undefined, reuse: ResolvedRerun | undefined): GraphResume | undefined {
  if (!reuse) return resume;
  const ended: GraphResume['ended'] = { ...resume?.ended };
  for (const [task, { result }] of Object.entries(reuse.reused)) ended[task] ??= { status: 'succeeded', result };
  return { ended, attempts: resume?.attempts ?? {} };
}

/** A resumed run's state starts where the previous worker's ended. */
function seed(state: RunState, job: JobModel, runId: string, resume: RunResume): void {
  state.job = job.name;
  state.runId = runId;
  for (const t of job.tasks) state.tasks[t.id] = resume.summaries[t.id] ?? { status: 'pending', attempts: 0, durationMs: 0 };
  for (const [id, ended] of Object.entries(resume.ended)) if (ended.status === 'succeeded') state.results[id] = ended.result;
}

/** The executor of a run on workers: connected (or a `RedisUnavailableError` within 10 s). */
async function queueExecutor(
  workers: WorkersOptions,
  model: ConfigModel,
  runId: string,
  log: (message: string, origin?: LineOrigin) => void,
): Promise<TaskExecutor> {
  const { QueueExecutor } = await import('./queue/queue-executor.js');
  const { projectPrefix } = await import('./queue/protocol.js');
  return QueueExecutor.connect({
    url: workers.redis,
    runId,
    root: model.layout.root,
    prefix: projectPrefix(model.layout.root, model.layout.configFile, workers.prefix),
    maxResultBytes: workers.maxResultBytes,
    log,
  });
}

async function loadHandler(job: JobModel, scope: LoadScope, python: PythonRuntime): Promise<HandlerLike> {
  if (job.handler === BUILTIN_HANDLER || !job.handlerModule) return new GenericJobHandler();
  if (isPythonModule(job.handlerModule)) {
    const { handlerModule, handlerClass } = job;
    return { run: (ctx: JobContext) => python.runHandler(handlerModule, handlerClass, ctx) };
  }
  const HandlerClass = await loadClass(job.handlerModule, job.handlerClass, scope);
  return new HandlerClass() as HandlerLike;
}
