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
  const { tasks } = job;
  const ids = new Map<string, number>();
  // One `set` a task, no `has`: a repeated id keeps the place of its first entry in the map's order but
  // takes the position of its last, so that when there are repeats, a pass backwards puts the first back.
  for (let i = 0; i < tasks.length; i++) ids.set(tasks[i].id, i);
  if (ids.size !== tasks.length) for (let i = tasks.length - 1; i >= 0; i--) ids.set(tasks[i].id, i);
  return ids;
}

/**
 * Builds the graph of a job. A duplicated id keeps its first entry; unknown and self dependencies are left
 * out. `ids` is `firstIndexById(job)` when the caller has it.
 */
export function buildGraph(job: JobModel, ids: Map<string, number> = firstIndexById(job)): TaskGraph {
  const { tasks, indexOf, deps } = dependencyGraph(job, ids);
  return { tasks, indexOf, deps, dependents: dependentsOf(deps) };
}

/** The graph without `dependents`, for the checks, which need them only when there is a cycle. */
export interface DependencyGraph extends Omit<TaskGraph, 'dependents'> {
  /** How many dependency names were unknown or the task's own: when 0, the dependency check has nothing to say. */
  unresolved: number;
}

export function dependencyGraph(job: JobModel, ids: Map<string, number> = firstIndexById(job)): DependencyGraph {
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
  const deps = new Array<number[]>(n);
  // Each task's list is gathered in `scratch` and copied at its exact size: an array grown by `push`
  // reserves 17 entries, 100,000 of them were 14 MB more for the collector to copy.
  const scratch: Scratch = { items: [], length: 0 };
  // seen[j] === i when task i already lists j: repeated names count once, without a Set per task.
  const seen = new Int32Array(n).fill(-1);
  let unresolved = 0;
  for (let i = 0; i < n; i++) {
    unresolved += resolveDependencies(tasks[i].dependencies, i, indexOf, seen, scratch);
    deps[i] = scratch.items.slice(0, scratch.length);
  }
  return { tasks, indexOf, deps, unresolved };
}

/**
 * Indexes gathered for one task: `items[0, length)`. The array keeps its backing store from task to task:
 * emptying it with `length = 0` dropped it, so that each task's first `push` allocated one of 17 entries
 * again (1.5 MB of garbage a run on a job of 10,000 tasks).
 */
interface Scratch {
  items: number[];
  length: number;
}

/**
 * Task `i`'s dependency names as graph indexes in `scratch`: known, not itself, each once (`seen[j] === i`
 * once listed). Returns how many names were unknown or its own.
 */
function resolveDependencies(names: readonly string[], i: number, indexOf: Map<string, number>, seen: Int32Array, scratch: Scratch): number {
  scratch.length = 0;
  let unresolved = 0;
  for (const dep of names) {
    const j = indexOf.get(dep);
    if (j === undefined || j === i) unresolved++;
    if (j === undefined || j === i || seen[j] === i) continue;
    seen[j] = i;
    scratch.items[scratch.length++] = j;
  }
  return unresolved;
}

/**
 * The graph of `job` when only the dependencies of its task at `changed` (a position in `job.tasks`)
 * differ from those the graph `before` was built with (`previous`): the names, and so `ids`, are the same.
 * One task's dependencies are looked up instead of every task's.
 */
export function withChangedDependencies(
  before: DependencyGraph,
  job: JobModel,
  ids: Map<string, number>,
  changed: number,
  previous: readonly string[],
): DependencyGraph {
  const tasks = ids.size === job.tasks.length ? job.tasks.slice() : before.tasks.map((t) => job.tasks[ids.get(t.id)!]);
  const task = job.tasks[changed];
  const at = before.indexOf.get(task.id)!;
  // A repeated name is not in the graph: only the first task of a name is.
  if (tasks[at] !== task) return { ...before, tasks };
  const seen = new Int32Array(tasks.length).fill(-1);
  const scratch: Scratch = { items: [], length: 0 };
  const was = resolveDependencies(previous, at, before.indexOf, seen, scratch);
  seen.fill(-1);
  const now = resolveDependencies(task.dependencies, at, before.indexOf, seen, scratch);
  const deps = before.deps.slice();
  deps[at] = scratch.items.slice(0, scratch.length);
  return { tasks, indexOf: before.indexOf, deps, unresolved: before.unresolved - was + now };
}

/** `dependents[j]`: the tasks that list `j` in `deps`, in the order of `deps`, each array at its exact size. */
export function dependentsOf(deps: readonly number[][]): number[][] {
  const n = deps.length;
  const counts = new Int32Array(n);
  for (const list of deps) for (const j of list) counts[j]++;
  const dependents = new Array<number[]>(n);
  for (let j = 0; j < n; j++) dependents[j] = new Array<number>(counts[j]);
  const filled = new Int32Array(n);
  for (let i = 0; i < n; i++) for (const j of deps[i]) dependents[j][filled[j]++] = i;
  return dependents;
}

/**
 * Strongly connected components (Tarjan's algorithm, iterative so a 10,000-task chain cannot overflow
 * the stack). Returns the component id of each node and the components with more than one node. Its
 * state is typed arrays and the components of one node make no array: on a job of 100,000 tasks, a pair
 * per step and an array per task were 30 MB of garbage.
 */
export function stronglyConnected(deps: readonly number[][]): { component: Int32Array; cyclic: number[][] } {
  const n = deps.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let stackTop = 0;
  const cyclic: number[][] = [];
  let counter = 0;
  let components = 0;
  // The depth-first walk's own stack: each node being visited and the position in its edges.
  const workNode = new Int32Array(n);
  const workEdge = new Int32Array(n);
  let workTop = 0;
  const enter = (v: number) => {
    index[v] = low[v] = counter++;
    stack[stackTop++] = v;
    onStack[v] = 1;
    workNode[workTop] = v;
    workEdge[workTop++] = 0;
  };
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    enter(root);
    while (workTop > 0) {
      const v = workNode[workTop - 1];
      const edges = deps[v];
      if (workEdge[workTop - 1] < edges.length) {
        const w = edges[workEdge[workTop - 1]++];
        if (index[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      workTop--;
      if (workTop > 0) {
        const parent = workNode[workTop - 1];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] !== index[v]) continue;
      if (stack[stackTop - 1] === v) {
        stackTop--;
        onStack[v] = 0;
        component[v] = components++;
        continue;
      }
      const members: number[] = [];
      let w: number;
      do {
        w = stack[--stackTop];
        onStack[w] = 0;
        component[w] = components;
        members.push(w);
      } while (w !== v);
      cyclic.push(members);
      components++;
    }
  }
  return { component, cyclic };
}
