import { buildGraph } from '../analysis/graph';
import { BUILTIN_HANDLER, type ConfigModel, type JobModel, type TaskModel } from '../config/types';
import { GenericJobHandler, type HandlerLike, type JobContext, runHandler } from '../runtime/handler';
import { elapsedMs, type LineOrigin, type RunEvent, type RunSummary, withOrigin } from './events';
import { isDebugging, TIMEOUTS_OFF } from './debug';
import type { TaskExecutor } from './executor';
import { InProcessExecutor } from './in-process-executor';
import { type LoadScope, loadClass } from './loader';
import { isPythonModule, ModuleExecutor, usesPython } from './module-executor';
import { eventSink } from './recorder';
import { OutputBudget, splitLong } from './output';
import { PythonUnavailableError } from './python/interpreter';
import { RedisUnavailableError } from './queue/redis';
import { PythonRuntime } from './python/runtime';
import type { ResolvedRerun } from './rerun';
import { errorInfo, type GraphOutcome, type GraphResume, runGraph, type TaskLog } from './scheduler';
import { loadScope, planEvent, reusedEvents, type RunOptions, type RunResume, setUpRun, type WorkersOptions } from './setup';
import { RunState } from './summary';

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
    prepare = e.prepare?.(taskClasses(job)) ?? prepare;
  };
  if (!options.workers) ready(executor);
  let graph: Promise<GraphOutcome> | undefined;
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
    let outcome: GraphOutcome | undefined;
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
      outcome = await graph;
    }
    // Abandoned attempts get to clean up (a cancelled Python task's `finally`), their output still the run's.
    await Promise.all([executor.close?.(), python.close()]);
    // What was dropped after its task had ended (an abandoned attempt still printing), then the run's own.
    for (const task of budget.pendingTasks()) sayDropped(task);
    sayDropped(undefined);
    const status = signal.aborted ? 'cancelled' : error || !outcome || !allSucceeded(outcome) ? 'failed' : 'succeeded';
    const durationMs = elapsedMs(started, performance.now());
    const summary: Omit<RunSummary, 'results'> = { job: job.name, runId, status, durationMs, tasks: state.tasks };
    if (output !== undefined) summary.output = output;
    if (error) summary.error = error;
    emit({ type: 'run-finished', runId, seq: nextSeq(), time: Date.now(), status, durationMs, summary });
    return state.summary();
  } finally {
    recorder?.close();
  }
}

/**
 * Whether every task of the job succeeded, as the graph ended them: the statuses the state folded from
 * the `task-finished` events (reused and resumed tasks' too), read from an array rather than from a
 * dictionary of 10,000 entries. (A run whose graph did not run has failed already.)
 */
function allSucceeded(outcome: GraphOutcome): boolean {
  for (let i = 0; i < outcome.statuses.length; i++) if (outcome.statuses[i] !== 'succeeded') return false;
  return true;
}

/**
 * The classes a job's tasks run, each once (in the order of their first task): what executors ready
 * before the first task starts. A job of 10,000 tasks of one class asks for one.
 */
function taskClasses(job: JobModel): { module: string; className: string }[] {
  const list: { module: string; className: string }[] = [];
  const seen = new Map<string, Set<string>>();
  let last: TaskModel | undefined;
  for (let i = 0; i < job.tasks.length; i++) {
    const t = job.tasks[i];
    // Neighbours mostly share their class: those need no look-up.
    if (last && t.module === last.module && t.className === last.className) continue;
    last = t;
    const module = t.module ?? '';
    let names = seen.get(module);
    if (!names) seen.set(module, (names = new Set()));
    if (names.has(t.className)) continue;
    names.add(t.className);
    list.push({ module, className: t.className });
  }
  return list;
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
