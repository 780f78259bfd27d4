import { parseArgs } from 'node:util';
import { hasErrors } from '../analysis/analyze';
import { planJob } from '../analysis/plan';
import type { JobModel } from '../config/types';
import type { Io } from './io';
import { loadConfig, UsageError } from './load';
import { errorsLine, formatText, problemsOf } from './report';
import { configAndJob, jobOf } from './run';

export const GRAPH_USAGE = 'fastasyncio graph [config] <job> [--format mermaid|dot|json]';

const FORMATS = ['mermaid', 'dot', 'json'] as const;
type GraphFormat = (typeof FORMATS)[number];

/** Quotes a task id for Mermaid and DOT: ids are identifiers, but `end` and friends are keywords there. */
const quoted = (id: string) => JSON.stringify(id);

export function renderGraph(job: JobModel, format: GraphFormat): string {
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

/** `fastasyncio graph`: the job's plan as Mermaid, DOT or JSON. A config with errors: its problems, exit 1. */
export function graphCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'mermaid' } } });
  const format = values.format as GraphFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  const { config, job: name } = configAndJob(positionals);
  const { file, analysis } = loadConfig(config);
  if (analysis.problems.length > 0) io.err(formatText(problemsOf(file, analysis)));
  if (hasErrors(analysis.problems)) {
    io.err(`fastasyncio graph: ${errorsLine(file, analysis.problems, 'before drawing a job')}`);
    return 1;
  }
  io.out(renderGraph(jobOf(file, analysis, name), format));
  return 0;
}
