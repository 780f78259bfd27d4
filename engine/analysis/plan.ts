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
  const { stage, stages } = planStages(graph);
  const stageOf: Record<string, number> = Object.create(null) as Record<string, number>;
  const unreachable: string[] = [];
  graph.tasks.forEach((task, i) => {
    if (stage[i] === 0) unreachable.push(task.id);
    else stageOf[task.id] = stage[i];
  });
  return { job: job.name, stages, stageOf, unreachable };
}

/**
 * The stages of a graph, and each task's 1-based stage by its index in the graph (0: it can never run).
 * Indexes rather than ids all the way: a run's plan (10,000 tasks) is made before its first task starts.
 */
export function planStages(graph: TaskGraph): { stage: Int32Array; stages: PlanStage[] } {
  const stage = stageByIndex(graph);
  const stages: PlanStage[] = [];
  const members: number[][] = [];
  for (let i = 0; i < stage.length; i++) {
    if (stage[i] === 0) continue;
    while (stages.length < stage[i]) {
      stages.push({ index: stages.length + 1, tasks: [], after: [] });
      members.push([]);
    }
    stages[stage[i] - 1].tasks.push(graph.tasks[i].id);
    members[stage[i] - 1].push(i);
  }
  // afterOf[d] === s.index once task d is in stage s's `after`: each listed once, in first-seen order.
  const afterOf = new Int32Array(stage.length);
  stages.forEach((s, k) => {
    for (const v of members[k]) {
      const deps = graph.deps[v];
      for (let j = 0; j < deps.length; j++) {
        const d = deps[j];
        if (afterOf[d] === s.index) continue;
        afterOf[d] = s.index;
        s.after.push(graph.tasks[d].id);
      }
    }
  });
  return { stage, stages };
}

/** Longest path from the tasks without dependencies; 0 for a task that never becomes ready. */
function stageByIndex(graph: TaskGraph): Int32Array {
  const n = graph.tasks.length;
  const stage = new Int32Array(n);
  const waiting = new Int32Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    // A task that depends on itself never becomes ready, and neither does anything behind it. (The graph
    // leaves out a task's own name: only a task with names left out can have it.)
    const task = graph.tasks[i];
    const known = graph.deps[i].length;
    waiting[i] = known + (known < task.dependencies.length && task.dependencies.includes(task.id) ? 1 : 0);
    if (waiting[i] === 0) queue[tail++] = i;
  }
  // Indexed loops over each task's few dependencies: `for of` would make an object per step until
  // this pass, run once per run, is optimised.
  for (let head = 0; head < tail; head++) {
    const v = queue[head];
    const deps = graph.deps[v];
    let latest = 0;
    for (let j = 0; j < deps.length; j++) if (stage[deps[j]] > latest) latest = stage[deps[j]];
    stage[v] = latest + 1;
    const dependents = graph.dependents[v];
    for (let j = 0; j < dependents.length; j++) if (--waiting[dependents[j]] === 0) queue[tail++] = dependents[j];
  }
  return stage;
}
