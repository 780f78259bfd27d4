import { rawDependencies } from '../config/model';
import type { ConfigModel, JobModel } from '../config/types';
import type { Finding, Target } from './findings';
import { buildGraph, stronglyConnected, type TaskGraph } from './graph';
import { dependencyPath } from './paths';

/** Beyond this many edges in one cycle, paths come from two BFS trees instead of one search per edge. */
const EXACT_SEARCH_LIMIT = 400;

/**
 * `cycle`: every strongly connected component is a set of tasks that wait on each other. Each dependency
 * entry inside one gets an error whose message is a whole cycle through that entry. Tasks outside a
 * cycle that wait on one (directly or not) get a warning on the entry that leads there.
 */
export function checkCycles(value: unknown, model: ConfigModel): Finding[] {
  const findings: Finding[] = [];
  for (const job of model.jobs) {
    const graph = buildGraph(job);
    const { component, cyclic } = stronglyConnected(graph.deps);
    const selfDependent = graph.tasks.map((t) => t.dependencies.includes(t.id));
    if (cyclic.length === 0 && !selfDependent.includes(true)) continue;
    const entry = (from: number, to: number): Target | undefined => {
      const slot = rawDependencies(value, job, graph.tasks[from]).indexOf(graph.tasks[to].id);
      return slot === -1 ? undefined : { path: dependencyPath(job, graph.tasks[from], slot), part: 'value' };
    };
    for (const members of cyclic) findings.push(...cycleErrors(job, graph, members, component, entry));
    findings.push(...blockedWarnings(job, graph, component, cyclic, selfDependent, entry));
  }
  return findings;
}

function cycleErrors(
  job: JobModel,
  graph: TaskGraph,
  members: number[],
  component: number[],
  entry: (from: number, to: number) => Target | undefined,
): Finding[] {
  const c = component[members[0]];
  const inside = (v: number) => component[v] === c;
  const edges: [number, number][] = [];
  for (const u of members) for (const v of graph.deps[u]) if (inside(v)) edges.push([u, v]);
  const pathBack = edges.length <= EXACT_SEARCH_LIMIT ? exactSearch(graph, inside) : treeSearch(graph, members[0], inside);
  const findings: Finding[] = [];
  for (const [u, v] of edges) {
    const at = entry(u, v);
    if (!at) continue;
    const cycle = [u, ...pathBack(v, u)];
    const names = cycle.map((i) => graph.tasks[i].id);
    const related: { message: string; at: Target }[] = [];
    for (let k = 1; k + 1 < cycle.length; k++) {
      const other = entry(cycle[k], cycle[k + 1]);
      if (other) related.push({ message: `"${names[k]}" depends on "${names[k + 1]}"`, at: other });
    }
    findings.push({
      code: 'cycle',
      severity: 'error',
      message: `Dependency cycle: ${names.join(' → ')}`,
      at,
      related,
      data: { job: job.name, task: names[0], dependency: names[1], cycle: names },
    });
  }
  return findings;
}

/** A path from `from` to `to` inside the component, both ends included; BFS, so the shortest. */
function exactSearch(graph: TaskGraph, inside: (v: number) => boolean) {
  return (from: number, to: number): number[] => {
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
}

/** For big cycles: paths `from → root → to` through two BFS trees, with any repeated stretch cut out. */
function treeSearch(graph: TaskGraph, root: number, inside: (v: number) => boolean) {
  const bfs = (edges: number[][]) => {
    const parent = new Map<number, number>([[root, -1]]);
    const queue = [root];
    for (let head = 0; head < queue.length; head++) {
      for (const y of edges[queue[head]]) {
        if (inside(y) && !parent.has(y)) {
          parent.set(y, queue[head]);
          queue.push(y);
        }
      }
    }
    return parent;
  };
  const towardRoot = bfs(graph.dependents); // parent = next step toward the root along deps
  const fromRoot = bfs(graph.deps); // parent = previous step from the root along deps
  return (from: number, to: number): number[] => {
    const walk: number[] = [];
    for (let x = from; x !== -1; x = towardRoot.get(x)!) walk.push(x);
    const tail: number[] = [];
    for (let x = to; x !== root; x = fromRoot.get(x)!) tail.push(x);
    walk.push(...tail.reverse());
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
}

function blockedWarnings(
  job: JobModel,
  graph: TaskGraph,
  component: number[],
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
