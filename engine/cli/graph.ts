import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { type Analysis, hasErrors } from '../analysis/analyze';
import { planJob } from '../analysis/plan';
import type { JobModel } from '../config/types';
import { inspectRun } from '../run/recorded-runs';
import { isRunId, runsDir } from '../run/records';
import { foldRecordedRun } from '../view/from-record';
import { jobViewModel } from '../view/from-job';
import { VIEW_MODEL_VERSION, type ViewModel } from '../view/model';
import { newNonce, renderPage } from '../view/page';
import type { Io } from './io';
import { loadConfig, UsageError, type CliCommand } from './load';
import { errorsLine, formatText, problemsOf, shownPath } from './report';
import { configAndJob, jobOf } from './run';

export const GRAPH_USAGE = 'fastasyncio graph [config] <job> [--format mermaid|dot|json|html] [--run RUN_ID] [--out FILE]';

const FORMATS = ['mermaid', 'dot', 'json', 'html'] as const;
type GraphFormat = (typeof FORMATS)[number];
type TextFormat = Exclude<GraphFormat, 'html'>;

/** Quotes a task id for Mermaid and DOT: ids are identifiers, but `end` and friends are keywords there. */
const quoted = (id: string) => JSON.stringify(id);

export function renderGraph(job: JobModel, format: TextFormat): string {
  const plan = planJob(job);
  if (format === 'json')
    return JSON.stringify(
      {
        job: job.name,
        stages: plan.stages,
        tasks: job.tasks.map((t) => ({ id: t.id, className: t.className, dependencies: t.dependencies, stage: plan.stageOf[t.id] })),
      },
      null,
      2,
    );
  if (format === 'dot') {
    const lines = [`digraph ${quoted(job.name)} {`, '  rankdir=LR;'];
    for (const stage of plan.stages) {
      lines.push(`  subgraph ${quoted(`cluster_${stage.index}`)} { label=${quoted(`Stage ${stage.index}`)}; ${stage.tasks.map(quoted).join('; ')}; }`);
    }
    for (const task of job.tasks) for (const dep of task.dependencies) lines.push(`  ${quoted(dep)} -> ${quoted(task.id)};`);
    lines.push('}');
    return lines.join('\n');
  }
  const node = (id: string) => `t_${id}`;
  const lines = ['flowchart LR'];
  for (const stage of plan.stages) {
    lines.push(`  subgraph stage${stage.index}["Stage ${stage.index}"]`);
    for (const id of stage.tasks) lines.push(`    ${node(id)}[${quoted(id)}]`);
    lines.push('  end');
  }
  for (const task of job.tasks) for (const dep of task.dependencies) lines.push(`  ${node(dep)} --> ${node(task.id)}`);
  return lines.join('\n');
}

/**
 * `fastasyncio graph`: the job's plan as Mermaid, DOT or JSON, or as a self-contained HTML page (the
 * extension's graph panel, without the editor), with `--run` the statuses, timeline and results of one of
 * its runs. `--out FILE` writes it to a file instead of stdout. A config with errors: its problems, exit 1;
 * an unknown run: exit 2.
 */
export async function graphCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'mermaid' }, run: { type: 'string' }, out: { type: 'string' } },
  });
  const format = values.format as GraphFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  if (values.run !== undefined && format !== 'html') throw new UsageError('--run draws a run over the graph, in the HTML page: add --format html');
  const { config, job: name } = configAndJob(positionals);
  const { file, text, analysis } = loadConfig(config);
  if (analysis.problems.length > 0) io.err(formatText(problemsOf(file, analysis)));
  if (hasErrors(analysis.problems)) {
    io.err(`fastasyncio graph: ${errorsLine(file, analysis.problems, 'before drawing a job')}`);
    return 1;
  }
  const output = format === 'html' ? await graphPage(file, text, analysis, name, values.run) : renderGraph(jobOf(file, analysis, name), format);
  if (values.out === undefined) {
    io.out(output);
    return 0;
  }
  try {
    fs.writeFileSync(values.out, output.endsWith('\n') ? output : `${output}\n`);
  } catch (error) {
    throw new UsageError(`cannot write ${values.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return 0;
}

/** The HTML page of a job, with a recorded run over it when `runId` is given (then the job may be left out: the run's). */
async function graphPage(file: string, text: string, analysis: Analysis, name: string | undefined, runId: string | undefined): Promise<string> {
  if (runId === undefined) return renderPage(jobViewModel(jobOf(file, analysis, name), file, { configText: text }), { nonce: newNonce() });
  const root = analysis.model!.layout.root;
  const run = isRunId(runId) ? await inspectRun(root, runId) : undefined;
  if (!run) throw new UsageError(`no run "${runId}" in ${shownPath(runsDir(root))} (fastasyncio runs lists them)`);
  if (name !== undefined && run.job !== '' && run.job !== name) throw new UsageError(`run ${runId} is a run of job "${run.job}", not of "${name}"`);
  const jobName = name ?? run.job;
  // A job no longer in the config is drawn from its run's plan alone.
  const job = analysis.model?.jobs.find((j) => j.name === jobName);
  const model: ViewModel = job ? jobViewModel(job, file, { configText: text }) : { version: VIEW_MODEL_VERSION, job: jobName, configFile: file, tasks: [] };
  return renderPage(await foldRecordedRun(model, run), { nonce: newNonce() });
}

export const command: CliCommand = { usage: GRAPH_USAGE, run: graphCommand };
