import { analyzeConfig } from '../analysis/analyze';
import { nodeFiles } from '../node-files';
import { errorInfo } from './scheduler';
import { runJob } from './run-job';
import type { FromWorker, ToWorker } from './worker-protocol';

/**
 * The child side of the child-process runner: runs one job in this process and sends every event to
 * the parent, which records it. Stray errors of task code are logged, not fatal.
 */
/** Resolves when what tasks printed has been handed to the pipes (the parent records it). */
function drained(): Promise<void> {
  const flush = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
  return Promise.all([flush(process.stdout), flush(process.stderr)]).then(() => undefined);
}

export function runWorker(): Promise<number> {
  const send = (message: FromWorker) => new Promise<void>((resolve) => process.send!(message, undefined, {}, () => resolve()));
  const controller = new AbortController();
  let runId = '';
  let seq = 0;
  const stray = (label: string) => (error: unknown) => {
    const info = errorInfo(error);
    void send({ type: 'event', event: { type: 'run-log', runId, seq: ++seq, time: Date.now(), message: `${label}: ${info.stack ?? info.message}` } });
  };
  process.on('uncaughtException', stray('uncaught error in task code'));
  process.on('unhandledRejection', stray('unhandled rejection in task code'));
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C in a terminal reaches the whole process group: the parent turns it into a graceful cancel.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  return new Promise<number>((resolve) => {
    process.on('message', (message: ToWorker) => {
      if (message.type === 'cancel') {
        controller.abort();
        return;
      }
      runId = message.runId;
      runJob({
        configFile: message.configFile,
        analysis: message.configText === undefined ? undefined : analyzeConfig(message.configText, { file: message.configFile, files: nodeFiles(), defaults: message.defaults }),
        defaults: message.defaults,
        job: message.job,
        runId: message.runId,
        concurrency: message.concurrency,
        signal: controller.signal,
        record: false,
        onEvent: (event) => {
          seq = event.seq;
          void send({ type: 'event', event });
        },
      }).then(
        // Exit at once: a task abandoned after its timeout may still hold timers.
        async () => {
          await send({ type: 'done' });
          resolve(0);
          await drained();
          process.exit(0);
        },
        async (error: unknown) => {
          await send({ type: 'fatal', message: errorInfo(error).message });
          resolve(1);
          await drained();
          process.exit(1);
        },
      );
    });
  });
}
