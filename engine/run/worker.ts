import { analyzeConfig } from '../analysis/analyze';
import { nodeFiles } from '../node-files';
import { captureOutput } from './capture';
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
export function runWorker(): Promise<number> {
  // Taken before any task code runs, which may replace `process.send`.
  const post = process.send!.bind(process);
  /** Resolves when the last message sent so far is on its way (messages go in order). */
  let sent = Promise.resolve();
  const send = (message: FromWorker) => (sent = new Promise<void>((resolve) => post(stringifyImmune(message), undefined, {}, () => resolve())));
  dieWithParent();
  const controller = new AbortController();
  let budget = new OutputBudget();
  const runLine = (stream: 'stdout' | 'stderr', line: string) => {
    if (budget.admit(undefined, line.length)) void send({ type: 'output', stream, line });
  };
  captureOutput(runLine);
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
      runJob({
        configFile: message.configFile,
        analysis: message.configText === undefined ? undefined : analyzeConfig(message.configText, { file: message.configFile, files: nodeFiles(), defaults: message.defaults }),
        defaults: message.defaults,
        job: message.job,
        runId: message.runId,
        concurrency: message.concurrency,
        signal: controller.signal,
        record: false,
        output: budget,
        resume: message.resume,
        onEvent: (event) => void send({ type: 'event', event }),
      }).then(
        // Exit once every event is on its way: a task abandoned after its timeout may still hold timers.
        async () => {
          await sent;
          resolve(0);
          process.exit(0);
        },
        async (error: unknown) => {
          await send({ type: 'fatal', message: errorInfo(error).message });
          resolve(1);
          process.exit(1);
        },
      );
    });
  });
}
