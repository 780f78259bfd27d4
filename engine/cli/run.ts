import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { Analysis } from '../analysis/analyze';
import { jobErrors } from '../analysis/job-errors';
import { closestName } from '../analysis/similar';
import type { JobModel, Problem } from '../config/types';
import { type ChildRunOptions, runJobInChild, startWorker } from '../run/child-runner';
import { roundDurations } from '../run/describe';
import type { RunSummary } from '../run/events';
import { type DebugOptions, type DebugTarget, whereToAttach } from '../run/debug';
import { RerunError } from '../run/rerun';
import { takeDebugFlags } from './debug-flags';
import type { Io } from './io';
import { DEFAULT_CONFIG, loadConfig, UsageError, type CliCommand } from './load';
import { integerFlag, outputLimits, pythonFlag, redisProblem, WORKERS_FLAGS, workersFlags } from './options';
import { ProgressPrinter, summaryTable } from './progress';
import { RERUN_FLAGS, rerunFlags } from './rerun-flags';
import { errorsLine, formatText, problemsOf, shownPath } from './report';

export const RUN_USAGE =
  'fastasyncio run [config] <job> [--concurrency N] [--format text|json] [--keep-runs N] [--max-task-output SIZE] [--max-run-output SIZE] [--from RUN_ID] [--only TASK]... [--param TASK.KEY=JSON]... [--force] [--python PATH] [--inspect[=PORT] | --inspect-brk[=PORT]] [--debug-python[=PORT]] [--redis URL [--queue-prefix PREFIX] [--max-result-size SIZE]]';

export const EXIT = { succeeded: 0, failed: 1, config: 2, cancelled: 130 } as const;

/**
 * Splits `[config] <job>` positionals. A lone argument with a dot or a slash is the config (job names
 * hold neither), so `run configs/job_config.json` is a config without a job, not a job of that name.
 */
export function configAndJob(positionals: string[]): { config: string; job?: string } {
  if (positionals.length === 0) return { config: DEFAULT_CONFIG };
  if (positionals.length === 1) return /[./\\]/.test(positionals[0]) ? { config: positionals[0] } : { config: DEFAULT_CONFIG, job: positionals[0] };
  if (positionals.length === 2) return { config: positionals[0], job: positionals[1] };
  throw new UsageError(`too many arguments: ${positionals.join(' ')}`);
}

/** The job named on the command line, if the config has it; otherwise a usage error that lists its jobs. */
export function jobOf(file: string, analysis: Analysis, job: string | undefined): JobModel {
  const found = job === undefined ? undefined : analysis.model?.jobs.find((j) => j.name === job);
  if (found) return found;
  const names = analysis.model?.jobs.map((j) => j.name) ?? [];
  const jobs = names.length ? `the jobs of ${shownPath(file)}: ${names.join(', ')}` : `${shownPath(file)} has no jobs`;
  if (job === undefined) throw new UsageError(`the job is missing; ${jobs}`);
  const close = closestName(job, names);
  throw new UsageError(`no job "${job}"${close ? ` (did you mean "${close}"?)` : ''}; ${jobs}`);
}

/**
 * `fastasyncio run`: runs a job in a worker process with live output, then a summary. Exit 0 succeeded,
 * 1 failed, 130 cancelled (SIGINT/SIGTERM cancel gracefully), 2 for a config with errors. `early` is a
 * worker started before this command was loaded (dist/cli.js), without the inspector; the command kills
 * whatever worker it does not run the job in.
 */
export async function runCommand(args: string[], io: Io, early?: ChildProcess): Promise<number> {
  let worker = early;
  try {
    // parseArgs has no optional values (`--inspect` or `--inspect=9230`): the debug flags are taken first.
    const { args: rest, debug } = takeDebugFlags(args);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        concurrency: { type: 'string' },
        format: { type: 'string', default: 'text' },
        'keep-runs': { type: 'string' },
        'max-task-output': { type: 'string' },
        'max-run-output': { type: 'string' },
        python: { type: 'string' },
        ...WORKERS_FLAGS,
        ...RERUN_FLAGS,
      },
    });
    const format = values.format;
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
    const { config, job } = configAndJob(positionals);
    const concurrency = integerFlag('--concurrency', values.concurrency);
    const keep = integerFlag('--keep-runs', values['keep-runs']);
    const limits = outputLimits(values);
    const python = pythonFlag(values.python);
    const workers = workersFlags(values);
    const rerun = rerunFlags(values);
    if (debug && workers) {
      throw new UsageError(`${debugFlag(debug)} debugs the run's own worker; with --redis, debug a worker instead (node --inspect dist/cli.js worker ...)`);
    }
    const unreachable = await redisProblem(workers);
    if (unreachable) {
      io.err(`fastasyncio run: ${unreachable}`);
      return EXIT.config;
    }
    // A debugged run's worker runs under the inspector: not the one started early.
    if (debug?.inspect && worker) {
      worker.kill('SIGKILL');
      worker = undefined;
    }
    // The worker boots while the config is read and checked (half the time to the first task); a run
    // that is refused kills it, and one that ran has let it exit already.
    worker ??= startWorker(undefined, undefined, debug);
    const { file, analysis } = loadConfig(config);
    // Only the errors that stop this job refuse it: another job's mistakes are not its own.
    if (!analysis.model) return refuse(io, file, analysis, analysis.problems);
    const { name } = jobOf(file, analysis, job);
    const errors = jobErrors(analysis, name);
    if (errors.length > 0) return refuse(io, file, analysis, errors);
    return await run(io, format, {
      configFile: file,
      analysis,
      job: name,
      concurrency,
      record: { keep },
      outputLimits: limits,
      python,
      workers,
      worker,
      rerun,
      debug,
      onDebugTarget: announce(io, debug),
    });
  } finally {
    // SIGKILL: once booted, a worker ignores SIGTERM (the parent's to handle), and its pipes would keep us waiting.
    worker?.kill('SIGKILL');
  }
}

/** The flag that asked for `debug`, for messages. */
function debugFlag(debug: DebugOptions): string {
  if (!debug.inspect) return '--debug-python';
  return debug.inspect.brk ? '--inspect-brk' : '--inspect';
}

/** Where to attach, on stderr at once: with --inspect-brk nothing else is printed until a debugger does. */
function announce(io: Io, debug: DebugOptions | undefined): ((target: DebugTarget) => void) | undefined {
  if (!debug) return undefined;
  return (target) => io.err(`fastasyncio run: ${whereToAttach(target, target.kind === 'python' || debug.inspect?.brk === true)}`);
}

/** Runs a checked job with live output (or none, for JSON), then prints its summary; the exit code. */
async function run(io: Io, format: 'text' | 'json', options: ChildRunOptions): Promise<number> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  const printer = format === 'text' ? new ProgressPrinter((text) => io.write(text), io.isTTY) : undefined;
  let summary: RunSummary;
  try {
    summary = await runJobInChild({ ...options, signal: controller.signal, onEvent: printer?.onEvent });
  } catch (error) {
    // A re-run that cannot be done as asked is refused before it starts.
    if (!(error instanceof RerunError)) throw error;
    io.err(`fastasyncio run: ${error.message}`);
    return EXIT.config;
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
  if (printer) {
    printer.clear();
    io.out('\n' + summaryTable(summary));
  } else {
    io.out(JSON.stringify(roundDurations(summary), null, 2));
  }
  return summary.status === 'succeeded' ? EXIT.succeeded : summary.status === 'cancelled' ? EXIT.cancelled : EXIT.failed;
}

/** Errors that stop the job: those problems, one line that says so, and exit 2. */
function refuse(io: Io, file: string, analysis: Analysis, errors: readonly Problem[]): number {
  io.err(formatText(problemsOf(file, { ...analysis, problems: [...errors] })));
  io.err(`fastasyncio run: ${errorsLine(file, errors, 'before running')}`);
  return EXIT.config;
}

export const command: CliCommand = { usage: RUN_USAGE, run: runCommand };
