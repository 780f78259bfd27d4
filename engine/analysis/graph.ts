import type { JobModel, TaskModel } from '../config/types';

/** A job's tasks as an index graph: `deps[i]` are the indexes task `i` depends on (known, not itself). */
export interface TaskGraph {
  tasks: TaskModel[];
  indexOf: Map<string, number>;
  deps: number[][];
  dependents: number[][];
}

/**
 * The position in `job.tasks` of the first task of each id. The checks of one analysis share it: on a
 * job of 10,000 tasks each map of the names costs about as much as a check.
 */
export function firstIndexById(job: JobModel): Map<string, number> {
  const ids = new Map<string, number>();
  job.tasks.forEach((task, i) => {
    if (!ids.has(task.id)) ids.set(task.id, i);
  });
  return ids;
}

/**
 * Builds the graph of a job. A duplicated id keeps its first entry; unknown and self dependencies are left
 * out. `ids` is `firstIndexById(job)` when the caller has it.
 */
export function buildGraph(job: JobModel, ids: Map<string, number> = firstIndexById(job)): TaskGraph {
  let indexOf: Map<string, number>;
  let tasks: TaskModel[];
  if (ids.size === job.tasks.length) {
    // No duplicates: positions in the job are positions in the graph.
    indexOf = ids;
    tasks = job.tasks.slice();
  } else {
    indexOf = new Map<string, number>();
    tasks = [];
    for (const task of job.tasks) {
      if (!indexOf.has(task.id)) {
        indexOf.set(task.id, tasks.length);
        tasks.push(task);
      }
    }
  }
  const n = tasks.length;
  const deps: number[][] = new Array<number[]>(n);
  const dependents: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    deps[i] = [];
    dependents[i] = [];
  }
  // seen[j] === i when task i already lists j: repeated names count once, without a Set per task.
  const seen = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (const dep of tasks[i].dependencies) {
      const j = indexOf.get(dep);
      if (j === undefined || j === i || seen[j] === i) continue;
      seen[j] = i;
      deps[i].push(j);
      dependents[j].push(i);
    }
  }
  return { tasks, indexOf, deps, dependents };
}

/**
 * Strongly connected components (Tarjan's algorithm, iterative so a 10,000-task chain cannot overflow
 * the stack). Returns the component id of each node and the components with more than one node.
 */
export function stronglyConnected(deps: number[][]): { component: number[]; cyclic: number[][] } {
  const n = deps.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const component = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  const cyclic: number[][] = [];
  let counter = 0;
  let components = 0;
  const work: [node: number, edge: number][] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    work.push([root, 0]);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const v = frame[0];
      if (frame[1] === 0 && index[v] === -1) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      if (frame[1] < deps[v].length) {
        const w = deps[v][frame[1]++];
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component[w] = components;
          members.push(w);
        } while (w !== v);
        if (members.length > 1) cyclic.push(members);
        components++;
      }
    }
  }
  return { component, cyclic };
}
