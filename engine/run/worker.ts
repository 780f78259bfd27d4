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

export function runWorker(): Promise<number> {
  // Taken before any task code runs, which may replace `process.send`.
  const post = process.send!.bind(process);
  const send = messenger(post);
  dieWithParent();
  const controller = new AbortController();
  let budget = new OutputBudget();
  const runLine = (stream: 'stdout' | 'stderr', line: string) => {
    if (budget.admit(undefined, line.length)) send({ type: 'output', stream, line });
  };
  captureOutput(runLine, () => void send.flush());
  const stray = (label: string) => (error: unknown) => {
    const info = errorInfo(error);
    runLine('stderr', `${label}: ${info.stack ?? info.message}`);
  };
  process.on('uncaughtException', stray('uncaught error in task code'));
  process.on('unhandledRejection', stray('unhandled rejection in task code'));
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C in a terminal is the parent's to handle: it turns it into a graceful cancel.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  return new Promise<number>((resolve) => {
    process.on('message', (message: ToWorker) => {
      if (message.type === 'cancel') {
        controller.abort();
        return;
      }
      budget = new OutputBudget(message.output);
      // Tasks run in the project root (a worker started ahead of its run began elsewhere).
      try {
        process.chdir(message.model.layout.root);
      } catch (error) {
        send({ type: 'fatal', message: `cannot enter the project root: ${errorInfo(error).message}` });
        void send.flush().then(() => process.exit(1));
        return;
      }
      runJob({
        configFile: message.configFile,
        model: message.model,
        job: message.job,
        runId: message.runId,
        concurrency: message.concurrency,
        signal: controller.signal,
        record: false,
        output: budget,
        resume: message.resume,
        python: message.python,
        pythonFrom: message.pythonFrom,
        workers: message.workers,
        reuse: message.reuse,
        debug: message.debug,
        onDebugTarget: (target) => send({ type: 'debug-target', target }),
        onEvent: (event) => send({ type: 'event', event }),
      }).then(
        // Exit once every event is on its way: a task abandoned after its timeout may still hold timers.
        async () => {
          await send.flush();
          resolve(0);
          process.exit(0);
        },
        async (error: unknown) => {
          send({ type: 'fatal', message: errorInfo(error).message });
          await send.flush();
          resolve(1);
          process.exit(1);
        },
      );
    });
  });
}
