import type { JobModel } from '../config/types';
import { buildGraph, type TaskGraph } from './graph';

export interface PlanStage {
  /** 1-based. */
  index: number;
  /** Task ids that can run together once the earlier stages are done. */
  tasks: string[];
  /** The tasks of earlier stages that this stage's tasks wait on. */
  after: string[];
}

export interface JobPlan {
  job: string;
  stages: PlanStage[];
  /** Each task's 1-based stage. */
  stageOf: Record<string, number>;
  /** Tasks that can never run (in or behind a cycle). */
  unreachable: string[];
}

/**
 * Groups a job's tasks into stages by longest path: a task's stage is one more than the latest of its
 * dependencies'. The engine does not wait for stages (a task starts when its own dependencies are done);
 * stages are how the plan is shown.
 */
export function planJob(job: JobModel, graph: TaskGraph = buildGraph(job)): JobPlan {
  const n = graph.tasks.length;
  // A task that depends on itself never becomes ready, and neither does anything behind it.
  const waiting = graph.deps.map((d, i) => d.length + (graph.tasks[i].dependencies.includes(graph.tasks[i].id) ? 1 : 0));
  const stage = new Array<number>(n).fill(0);
  const queue: number[] = [];
  waiting.forEach((w, i) => w === 0 && queue.push(i));
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    stage[v] = 1 + graph.deps[v].reduce((m, d) => Math.max(m, stage[d]), 0);
    for (const d of graph.dependents[v]) if (--waiting[d] === 0) queue.push(d);
  }
  const stages: PlanStage[] = [];
  const stageOf: Record<string, number> = Object.create(null) as Record<string, number>;
  const unreachable: string[] = [];
  graph.tasks.forEach((task, i) => {
    if (stage[i] === 0) {
      unreachable.push(task.id);
      return;
    }
    while (stages.length < stage[i]) stages.push({ index: stages.length + 1, tasks: [], after: [] });
    stages[stage[i] - 1].tasks.push(task.id);
    stageOf[task.id] = stage[i];
  });
  for (const s of stages) {
    const after = new Set<string>();
    for (const id of s.tasks) for (const d of graph.deps[graph.indexOf.get(id)!]) after.add(graph.tasks[d].id);
    s.after = [...after];
  }
  return { job: job.name, stages, stageOf, unreachable };
}
