import { AsyncLocalStorage } from 'node:async_hooks';
import { captureOutput, taskCodeMayBlock } from './capture';
import { stringifyImmune } from './json-safe';
import { dieWithParent } from './orphan-watchdog';
import { OutputBudget } from './output';
import { runJob } from './run-job';
import { errorInfo } from './scheduler';
import type { FromWorker, ToWorker } from './worker-protocol';

/**
 * The child side of the child-process runner: runs one job in this process and sends every event to the
 * parent, which records it. What tasks print is captured as their log lines and travels with the events,
 * within the run's output budget; stray errors of task code are logged, not fatal. The worker dies with
 * its parent, even when a task blocks its event loop.
 */
/** Log lines pile up to this size in a burst before they are sent anyway. */
const BATCH = 64 * 1024;
/** How many messages a turn of the event loop sends one by one before a burst is batched. */
const PROMPT = 64;

/**
 * Sends messages to the parent as JSON lines. While task code of this process may run (it could block
 * the process), each goes at once, so that the parent hears a task's `task-started` and its last lines
 * even if the task then blocks this process; but in a burst (more than `PROMPT` log lines in one turn),
 * log lines are joined into one message per 64 KB or per turn: a task printing 500,000 lines costs a few
 * hundred messages, not 500,000. When only Python tasks run (another process), every message waits for
 * the end of the turn: 2,000 tasks finishing cost a few messages, not 4,000. Order is always kept.
 */
function messenger(post: (message: string, handle: undefined, options: object, callback: () => void) => boolean) {
  let pending = '';
  let prompt = PROMPT;
  let scheduled = false;
  let sent = Promise.resolve();
  const write = (text: string) => (sent = new Promise<void>((resolve) => post(text, undefined, {}, () => resolve())));
  const flush = (): Promise<void> => {
    if (pending !== '') {
      const batch = pending;
      pending = '';
      void write(batch);
    }
    return sent;
  };
  const nextTurn = () => {
    scheduled = false;
    prompt = PROMPT;
    void flush();
  };
  const send = (message: FromWorker): void => {
    const line = stringifyImmune(message) + '\n';
    const log = message.type === 'output' || (message.type === 'event' && (message.event.type === 'task-log' || message.event.type === 'run-log'));
    if (!scheduled) {
      scheduled = true;
      setImmediate(nextTurn);
    }
    // The plan goes at once: module code loaded next might block before the turn ends.
    if (!taskCodeMayBlock() && !(message.type === 'event' && message.event.type === 'run-started')) {
      pending += line;
      if (pending.length >= BATCH) void flush();
      return;
    }
    if (!log || (prompt > 0 && pending === '')) {
      prompt--;
      pending += line;
      void flush();
      return;
    }
    pending += line;
    if (pending.length >= BATCH) void flush();
  };
  /** Sends what waits; resolves when the last message is on its way. */
  send.flush = flush;
  return send;
}

/** A run going on in this worker. */
interface WorkerRun {
  readonly id: string;
  readonly controller: AbortController;
  readonly budget: OutputBudget;
}

/**
 * Runs the parent's runs. An ordinary worker runs one and exits. A pooled one (`stay` in its start
 * message, `serve --reuse-workers`) stays for the next and may run several at once: each has its own
 * signal and output budget, and what its code prints outside any task is known to be its own through an
 * `AsyncLocalStorage` around the run. The parent decides when a pooled worker is not to be used again.
 */
export function runWorker(): Promise<number> {
  // Taken before any task code runs, which may replace `process.send`.
  const post = process.send!.bind(process);
  const send = messenger(post);
  dieWithParent();
  const runs = new Map<string, WorkerRun>();
  /** The run whose code runs now (in a pooled worker, where several may). */
  const current = new AsyncLocalStorage<WorkerRun>();
  let pooled = false;
  /** The run a line printed outside any task belongs to: the one whose code runs, else the only one of an ordinary worker. */
  const owner = (): WorkerRun | undefined => current.getStore() ?? (pooled ? undefined : runs.values().next().value);
  const runLine = (stream: 'stdout' | 'stderr', line: string) => {
    const run = owner();
    if (!run) {
      // Nobody's: the parent logs it as the worker's own.
      send({ type: 'output', stream, line });
      return;
    }
    if (run.budget.admit(undefined, line.length)) send(pooled ? { type: 'output', stream, line, runId: run.id } : { type: 'output', stream, line });
  };
  captureOutput(runLine, () => void send.flush());
  const stray = (label: string) => (error: unknown) => {
    const info = errorInfo(error);
    runLine('stderr', `${label}: ${info.stack ?? info.message}`);
    // What threw may have left this process' state broken: a pooled worker takes no more runs.
    if (pooled) send({ type: 'retire', reason: `${label}: ${info.message}` });
  };
  process.on('uncaughtException', stray('uncaught error in task code'));
  process.on('unhandledRejection', stray('unhandled rejection in task code'));
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C in a terminal is the parent's to handle: it turns it into a graceful cancel.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  return new Promise<number>((resolve) => {
    /** An ordinary worker's run is over: exit once every message is on its way (an abandoned task may still hold timers). */
    const exit = async (code: number) => {
      await send.flush();
      resolve(code);
      process.exit(code);
    };
    process.on('message', (message: ToWorker) => {
      if (message.type === 'ping') {
        send({ type: 'pong' });
        void send.flush();
        return;
      }
      if (message.type === 'cancel') {
        for (const run of runs.values()) if (message.runId === undefined || message.runId === run.id) run.controller.abort();
        return;
      }
      pooled = message.stay === true;
      const run: WorkerRun = { id: message.runId, controller: new AbortController(), budget: new OutputBudget(message.output) };
      const fatal = (text: string) => send(pooled ? { type: 'fatal', message: text, runId: run.id } : { type: 'fatal', message: text });
      // Tasks run in the project root (a worker started ahead of its run began elsewhere). A pooled
      // worker's runs all have the same root (the pool keeps a worker to one), so this never moves under one.
      try {
        process.chdir(message.model.layout.root);
      } catch (error) {
        fatal(`cannot enter the project root: ${errorInfo(error).message}`);
        if (!pooled) void exit(1);
        else void send.flush();
        return;
      }
      runs.set(run.id, run);
      void current
        .run(run, () => startRun(message, run, send))
        .then(
          () => 0,
          (error: unknown) => {
            fatal(errorInfo(error).message);
            return 1;
          },
        )
        .then(async (code) => {
          runs.delete(run.id);
          if (!pooled) return exit(code);
          await send.flush();
        });
    });
  });
}

/** Runs one start message's run in this process; its events go to the parent. */
function startRun(message: Extract<ToWorker, { type: 'start' }>, run: WorkerRun, send: ReturnType<typeof messenger>): Promise<unknown> {
  return runJob({
    configFile: message.configFile,
    model: message.model,
    job: message.job,
    runId: message.runId,
    concurrency: message.concurrency,
    signal: run.controller.signal,
    record: false,
    output: run.budget,
    resume: message.resume,
    python: message.python,
    pythonFrom: message.pythonFrom,
    workers: message.workers,
    reuse: message.reuse,
    debug: message.debug,
    onDebugTarget: (target) => send(message.stay ? { type: 'debug-target', target, runId: run.id } : { type: 'debug-target', target }),
    onEvent: (event) => send({ type: 'event', event }),
  });
}
