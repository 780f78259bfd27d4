import { rawDependencies } from '../config/model';
import type { ConfigModel, JobModel } from '../config/types';
import { type Finding, pushAll, type Target } from './findings';
import { type DependencyGraph, dependencyGraph, dependentsOf, firstIndexById, stronglyConnected, type TaskGraph } from './graph';
import { dependencyPath } from './paths';

/** Beyond this many edges in one cycle, paths come from two BFS trees instead of one search per edge. */
const EXACT_SEARCH_LIMIT = 400;
/**
 * Every entry of a cycle gets the whole path, so a cycle of n tasks costs n paths of n names: 10,000
 * tasks in one ring would be 10^8 names. Past this many names spelled out in one job, the remaining
 * entries get the short form (`A → B → … → A`, with the number of tasks in the cycle).
 */
const PATH_BUDGET = 1_000_000;
/** The most related locations (the cycle's other entries) one error lists. */
const MAX_RELATED = 50;

/**
 * `cycle`: every strongly connected component is a set of tasks that wait on each other. Each dependency
 * entry inside one gets an error whose message is a whole cycle through that entry. Tasks outside a
 * cycle that wait on one (directly or not) get a warning on the entry that leads there.
 */
export function checkCycles(
  value: unknown,
  model: ConfigModel,
  idsOf: readonly Map<string, number>[] = model.jobs.map(firstIndexById),
  graphs: readonly DependencyGraph[] = model.jobs.map((job, j) => dependencyGraph(job, idsOf[j])),
): Finding[] {
  const findings: Finding[] = [];
  for (const [j, job] of model.jobs.entries()) {
    const deps = graphs[j];
    const { component, cyclic } = stronglyConnected(deps.deps);
    if (cyclic.length === 0 && !deps.tasks.some((t) => t.dependencies.includes(t.id))) continue;
    // Only now the edges the other way: a job without a cycle, the common case, never needs them.
    const graph: TaskGraph = { tasks: deps.tasks, indexOf: deps.indexOf, deps: deps.deps, dependents: dependentsOf(deps.deps) };
    const selfDependent = graph.tasks.map((t) => t.dependencies.includes(t.id));
    const entry = (from: number, to: number): Target | undefined => {
      const slot = rawDependencies(value, job, graph.tasks[from]).indexOf(graph.tasks[to].id);
      return slot === -1 ? undefined : { path: dependencyPath(job, graph.tasks[from], slot), part: 'value' };
    };
    const budget = { names: PATH_BUDGET };
    for (const members of cyclic) pushAll(findings, cycleErrors(job, graph, members, component, entry, budget));
    pushAll(findings, blockedWarnings(job, graph, component, cyclic, selfDependent, entry));
  }
  return findings;
}

interface PathSearch {
  /** An upper bound on the length of `path(from, to)`, cheap to know before the path is made. */
  bound(from: number, to: number): number;
  path(from: number, to: number): number[];
}

function cycleErrors(
  job: JobModel,
  graph: TaskGraph,
  members: number[],
  component: Int32Array,
  entry: (from: number, to: number) => Target | undefined,
  budget: { names: number },
): Finding[] {
  const c = component[members[0]];
  const inside = (v: number) => component[v] === c;
  const edges: [number, number][] = [];
  for (const u of members) for (const v of graph.deps[u]) if (inside(v)) edges.push([u, v]);
  const search = edges.length <= EXACT_SEARCH_LIMIT ? exactSearch(graph, inside, members.length) : treeSearch(graph, members[0], inside);
  const findings: Finding[] = [];
  for (const [u, v] of edges) {
    const at = entry(u, v);
    if (!at) continue;
    const from = graph.tasks[u].id;
    const to = graph.tasks[v].id;
    if (search.bound(v, u) + 1 > budget.names) {
      findings.push({
        code: 'cycle',
        severity: 'error',
        message: `Dependency cycle: ${from} → ${to} → … → ${from} (${members.length} tasks wait on each other)`,
        at,
        data: { job: job.name, task: from, dependency: to },
      });
      continue;
    }
    const cycle = search.path(v, u);
    cycle.unshift(u);
    budget.names -= cycle.length;
    const names = cycle.map((i) => graph.tasks[i].id);
    const related: { message: string; at: Target }[] = [];
    for (let k = 1; k + 1 < cycle.length && related.length < MAX_RELATED; k++) {
      const other = entry(cycle[k], cycle[k + 1]);
      if (other) related.push({ message: `"${names[k]}" depends on "${names[k + 1]}"`, at: other });
    }
    findings.push({
      code: 'cycle',
      severity: 'error',
      message: `Dependency cycle: ${names.join(' → ')}`,
      at,
      related,
      data: { job: job.name, task: from, dependency: to, cycle: names },
    });
  }
  return findings;
}

/** A path from `from` to `to` inside the component, both ends included; BFS, so the shortest. */
function exactSearch(graph: TaskGraph, inside: (v: number) => boolean, size: number): PathSearch {
  const path = (from: number, to: number): number[] => {
    const parent = new Map<number, number>([[from, -1]]);
    const queue = [from];
    for (let head = 0; head < queue.length && !parent.has(to); head++) {
      const x = queue[head];
      for (const y of graph.deps[x]) {
        if (inside(y) && !parent.has(y)) {
          parent.set(y, x);
          queue.push(y);
        }
      }
    }
    const path: number[] = [];
    for (let x = to; x !== -1; x = parent.get(x)!) path.push(x);
    return path.reverse();
  };
  return { bound: () => size, path };
}

/** For big cycles: paths `from → root → to` through two BFS trees, with any repeated stretch cut out. */
function treeSearch(graph: TaskGraph, root: number, inside: (v: number) => boolean): PathSearch {
  const bfs = (edges: number[][]) => {
    const parent = new Map<number, number>([[root, -1]]);
    const depth = new Map<number, number>([[root, 0]]);
    const queue = [root];
    for (let head = 0; head < queue.length; head++) {
      for (const y of edges[queue[head]]) {
        if (inside(y) && !parent.has(y)) {
          parent.set(y, queue[head]);
          depth.set(y, depth.get(queue[head])! + 1);
          queue.push(y);
        }
      }
    }
    return { parent, depth };
  };
  const { parent: towardRoot, depth: toRoot } = bfs(graph.dependents); // parent = next step toward the root along deps
  const { parent: fromRoot, depth: fromRootDepth } = bfs(graph.deps); // parent = previous step from the root along deps
  // The walk is `from → root → to`; cutting repeats only shortens it.
  const bound = (from: number, to: number) => toRoot.get(from)! + fromRootDepth.get(to)! + 1;
  const path = (from: number, to: number): number[] => {
    const walk: number[] = [];
    for (let x = from; x !== -1; x = towardRoot.get(x)!) walk.push(x);
    const tail: number[] = [];
    for (let x = to; x !== root; x = fromRoot.get(x)!) tail.push(x);
    for (let k = tail.length - 1; k >= 0; k--) walk.push(tail[k]);
    const firstTo = walk.indexOf(to);
    const path: number[] = [];
    const seen = new Map<number, number>();
    for (const x of walk.slice(0, firstTo + 1)) {
      const earlier = seen.get(x);
      if (earlier !== undefined) {
        for (const dropped of path.splice(earlier + 1)) seen.delete(dropped);
        continue;
      }
      seen.set(x, path.length);
      path.push(x);
    }
    return path;
  };
  return { bound, path };
}

function blockedWarnings(
  job: JobModel,
  graph: TaskGraph,
  component: Int32Array,
  cyclic: number[][],
  selfDependent: boolean[],
  entry: (from: number, to: number) => Target | undefined,
): Finding[] {
  const inCycle = new Set<number>();
  for (const members of cyclic) for (const m of members) inCycle.add(m);
  selfDependent.forEach((self, i) => self && inCycle.add(i));
  // Walk from every cyclic task to the tasks that wait on it.
  const blocked = new Set<number>();
  const queue = [...inCycle];
  for (let head = 0; head < queue.length; head++) {
    for (const d of graph.dependents[queue[head]]) {
      if (!inCycle.has(d) && !blocked.has(d)) {
        blocked.add(d);
        queue.push(d);
      }
    }
  }
  const findings: Finding[] = [];
  for (const b of blocked) {
    for (const d of graph.deps[b]) {
      if (!inCycle.has(d) && !blocked.has(d)) continue;
      if (component[d] === component[b]) continue;
      const at = entry(b, d);
      if (!at) continue;
      const why = inCycle.has(d) ? 'which is in a dependency cycle' : 'which waits on a dependency cycle';
      findings.push({
        code: 'cycle',
        severity: 'warning',
        message: `Task "${graph.tasks[b].id}" can never run: it depends on "${graph.tasks[d].id}", ${why}`,
        at,
        data: { job: job.name, task: graph.tasks[b].id, dependency: graph.tasks[d].id },
      });
    }
  }
  return findings;
}
