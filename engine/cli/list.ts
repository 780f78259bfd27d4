import { parseArgs } from 'node:util';
import { hasErrors } from '../analysis/analyze';
import { planJob } from '../analysis/plan';
import type { Io } from './io';
import { DEFAULT_CONFIG, loadConfig, UsageError, type CliCommand } from './load';
import { formatText, problemsOf } from './report';

export const LIST_USAGE = 'fastasyncio list [config] [--format text|json]';

/** `fastasyncio list`: the jobs of a config and their tasks; problems, if any, on stderr. */
export function listCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'text' } } });
  if (positionals.length > 1) throw new UsageError(`too many arguments: ${positionals.join(' ')}`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, got "${values.format}"`);
  const { file, analysis } = loadConfig(positionals[0] ?? DEFAULT_CONFIG);
  if (analysis.problems.length > 0) io.err(formatText(problemsOf(file, analysis)));
  const jobs = analysis.model?.jobs ?? [];
  if (values.format === 'json') {
    io.out(
      JSON.stringify(
        jobs.map((j) => ({
          name: j.name,
          handler: j.handler,
          description: j.description,
          tasks: j.tasks.map((t) => ({ name: t.id, task: t.className, dependencies: t.dependencies })),
        })),
        null,
        2,
      ),
    );
  } else {
    const lines: string[] = [];
    for (const job of jobs) {
      const plan = planJob(job);
      lines.push(`${job.name}  (${job.handler}, ${job.tasks.length} tasks, ${plan.stages.length} stages)${job.description ? `  ${job.description}` : ''}`);
      for (const task of job.tasks) {
        const cls = task.className !== task.id ? ` [${task.className}]` : '';
        const deps = task.dependencies.length ? ` ← ${task.dependencies.join(', ')}` : '';
        lines.push(`  ${task.id}${cls}${deps}`);
      }
    }
    io.out(lines.length ? lines.join('\n') : 'no jobs');
  }
  return hasErrors(analysis.problems) ? 1 : 0;
}

export const command: CliCommand = { usage: LIST_USAGE, run: listCommand };
