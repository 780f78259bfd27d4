import type { ViewTask } from './model';

/**
 * The part of @dagrejs/dagre used here. Its own declarations are ES modules that TypeScript cannot follow
 * from this CommonJS code (module Node16), so its CommonJS build is loaded (by Node in tests, by esbuild
 * into the app) and declared here.
 */
interface DagreGraph {
  setGraph(label: Record<string, unknown>): void;
  setDefaultEdgeLabel(label: () => Record<string, unknown>): void;
  setNode(id: string, label: { width: number; height: number; rank?: number }): void;
  setEdge(from: string, to: string): void;
  nodes(): string[];
  node(id: string): { x: number; y: number; rank?: number };
  edge(from: string, to: string): { points?: { x: number; y: number }[] } | undefined;
}

interface Dagre {
  graphlib: { Graph: new () => DagreGraph };
  layout(graph: DagreGraph): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- see `Dagre`
const dagre = require('@dagrejs/dagre') as Dagre;

/**
 * Where each task's node goes: left to right, dependencies before dependents, one column per stage of
 * the plan. Computed from the structure only (tasks, dependencies, stages), so a layout is kept for as
 * long as its `key` holds; statuses never move a node.
 *
 * Two engines (test/bench/graph-layout.bench.ts measures them with elkjs): @dagrejs/dagre (MIT) orders
 * the nodes of each column to cross fewer edges and routes edges around nodes, and is used up to
 * `DAGRE_MAX_TASKS` tasks (100 to 300 ms there, in a browser as in Node); past that it takes seconds to
 * minutes (3 s for 1,000 tasks, about a minute for 10,000), so the `layered` layout takes over: the same columns, a barycenter ordering and a straightening pass, linear in tasks
 * and dependencies (10,000 tasks in tens of milliseconds).
 */

export type LayoutEngine = 'dagre' | 'layered';

export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 44;
/** Between two columns (where the edges run). */
export const COLUMN_GAP = 72;
/** Between two nodes of a column. */
export const ROW_GAP = 12;
/** Around the drawing; the top one leaves room for the stage labels. */
export const MARGIN = 16;
export const MARGIN_TOP = 36;

/** The most tasks (and dependencies) that dagre lays out: measured, see above. */
export const DAGRE_MAX_TASKS = 100;
export const DAGRE_MAX_EDGES = 300;

export interface GraphLayout {
  /** The structure this layout is for (`structureKey`). */
  key: string;
  engine: LayoutEngine;
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
  /** The top-left corner of each task's node, in the model's order. */
  x: number[];
  y: number[];
  /** The left edge of each stage's column (index: stage - 1); tasks that can never run come after the last. */
  columns: number[];
  edges: LayoutEdge[];
}

export interface LayoutEdge {
  /** Indexes of the dependency and the dependent in the model's tasks. */
  from: number;
  to: number;
  /**
   * Where the edge bends on its way (x, y pairs) from the dependency's right side to the dependent's left
   * side, when the engine routes edges around nodes (dagre).
   */
  points?: number[];
}

/** The structure a layout depends on: ids, dependencies and stages, hashed (two FNV-1a 32-bit hashes). */
export function structureKey(tasks: readonly ViewTask[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const mix = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
  };
  for (const task of tasks) mix(`${task.id}\u0001${task.stage}\u0001${task.dependencies.join('\u0002')}\u0003`);
  return `${tasks.length}-${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}

/** The structure as indexes: each task's column (stage - 1; unreachable tasks after the last) and dependencies. */
interface Structure {
  column: number[];
  columns: number;
  deps: number[][];
  dependents: number[][];
  edges: number;
}

function structureOf(tasks: readonly ViewTask[]): Structure {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const last = tasks.reduce((m, t) => Math.max(m, t.stage), 0);
  const column = tasks.map((t) => (t.stage > 0 ? t.stage - 1 : last));
  const deps = tasks.map(() => [] as number[]);
  const dependents = tasks.map(() => [] as number[]);
  let edges = 0;
  tasks.forEach((task, i) => {
    for (const dep of task.dependencies) {
      const d = index.get(dep);
      if (d === undefined || d === i) continue;
      deps[i].push(d);
      dependents[d].push(i);
      edges++;
    }
  });
  const columns = tasks.some((t) => t.stage === 0) ? last + 1 : last;
  return { column, columns, deps, dependents, edges };
}

/** Lays a job out with the engine its size calls for (`engine` forces one: the benchmark, tests). */
export function layoutGraph(tasks: readonly ViewTask[], engine?: LayoutEngine): GraphLayout {
  const structure = structureOf(tasks);
  const chosen = engine ?? (tasks.length <= DAGRE_MAX_TASKS && structure.edges <= DAGRE_MAX_EDGES ? 'dagre' : 'layered');
  const layout = chosen === 'dagre' ? dagreLayout(tasks, structure) : layeredLayout(structure);
  return { ...layout, key: structureKey(tasks) };
}

const PITCH_X = NODE_WIDTH + COLUMN_GAP;
const PITCH_Y = NODE_HEIGHT + ROW_GAP;

function layeredLayout(s: Structure): Omit<GraphLayout, 'key'> {
  const n = s.column.length;
  const byColumn: number[][] = Array.from({ length: s.columns }, () => []);
  for (let i = 0; i < n; i++) byColumn[s.column[i]].push(i);
  // Ordering: barycenter sweeps, forth along dependencies and back along dependents.
  const pos = new Float64Array(n);
  const place = (column: number[]) => column.forEach((v, k) => (pos[v] = k - (column.length - 1) / 2));
  byColumn.forEach(place);
  const key = new Float64Array(n);
  const sweep = (c: number, neighbours: number[][]) => {
    const column = byColumn[c];
    for (const v of column) key[v] = mean(neighbours[v], pos) ?? pos[v];
    column.sort((p, q) => key[p] - key[q] || pos[p] - pos[q]);
    place(column);
  };
  for (let round = 0; round < 2; round++) {
    for (let c = 1; c < s.columns; c++) sweep(c, s.deps);
    for (let c = s.columns - 2; c >= 0; c--) sweep(c, s.dependents);
  }
  for (let c = 1; c < s.columns; c++) sweep(c, s.deps);
  // Coordinates: each node as close to its neighbours' mean as the order and the spacing allow.
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = pos[i] * PITCH_Y;
  const align = (c: number, neighbours: number[][]) => {
    const column = byColumn[c];
    const wanted = column.map((v) => mean(neighbours[v], y) ?? y[v]);
    const placed = spaced(wanted, PITCH_Y);
    column.forEach((v, k) => (y[v] = placed[k]));
  };
  for (let round = 0; round < 2; round++) {
    for (let c = 1; c < s.columns; c++) align(c, s.deps);
    for (let c = s.columns - 2; c >= 0; c--) align(c, s.dependents);
  }
  let top = Infinity;
  let bottom = -Infinity;
  for (let i = 0; i < n; i++) {
    top = Math.min(top, y[i]);
    bottom = Math.max(bottom, y[i]);
  }
  if (n === 0) top = bottom = 0;
  const xs: number[] = new Array<number>(n);
  const ys: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    xs[i] = MARGIN + s.column[i] * PITCH_X;
    ys[i] = Math.round(MARGIN_TOP + y[i] - top);
  }
  const edges: LayoutEdge[] = [];
  for (let i = 0; i < n; i++) for (const d of s.deps[i]) edges.push({ from: d, to: i });
  return {
    engine: 'layered',
    width: MARGIN * 2 + Math.max(0, s.columns * PITCH_X - COLUMN_GAP),
    height: Math.round(MARGIN_TOP + MARGIN + (bottom - top) + NODE_HEIGHT),
    nodeWidth: NODE_WIDTH,
    nodeHeight: NODE_HEIGHT,
    x: xs,
    y: ys,
    columns: Array.from({ length: s.columns }, (_, c) => MARGIN + c * PITCH_X),
    edges,
  };
}

function mean(of: readonly number[], values: Float64Array): number | undefined {
  if (of.length === 0) return undefined;
  let sum = 0;
  for (const v of of) sum += values[v];
  return sum / of.length;
}

/**
 * The positions nearest to `wanted` (least squares) that keep their order at least `gap` apart: with
 * z = y - k * gap the constraint is z non-decreasing, an isotonic regression (pool adjacent violators).
 */
export function spaced(wanted: readonly number[], gap: number): number[] {
  const sums: number[] = [];
  const counts: number[] = [];
  wanted.forEach((w, k) => {
    sums.push(w - k * gap);
    counts.push(1);
    while (sums.length > 1 && sums[sums.length - 2] / counts[counts.length - 2] > sums[sums.length - 1] / counts[counts.length - 1]) {
      sums[sums.length - 2] += sums.pop()!;
      counts[counts.length - 2] += counts.pop()!;
    }
  });
  const out: number[] = [];
  sums.forEach((sum, b) => {
    for (let j = 0; j < counts[b]; j++) out.push(sum / counts[b] + out.length * gap);
  });
  return out;
}

function dagreLayout(tasks: readonly ViewTask[], s: Structure): Omit<GraphLayout, 'key'> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({
    rankdir: 'LR',
    nodesep: ROW_GAP,
    ranksep: COLUMN_GAP,
    edgesep: 8,
    marginx: MARGIN,
    marginy: MARGIN,
    // The plan's stages are the ranks (dagre would otherwise rank the graph itself, slower and differently):
    // rank 2k for stage k + 1, as dagre doubles edge lengths to leave room for labels. Its own nodes (the
    // root it adds) go before them.
    ranker: (graph: DagreGraph) => {
      for (const v of graph.nodes()) graph.node(v).rank ??= -2;
    },
  });
  g.setDefaultEdgeLabel(() => ({}));
  tasks.forEach((_, i) => g.setNode(String(i), { width: NODE_WIDTH, height: NODE_HEIGHT, rank: 2 * s.column[i] }));
  // Edges only go forwards (a task in or behind a cycle has no stage, and no routed edges).
  for (let i = 0; i < tasks.length; i++) for (const d of s.deps[i]) if (s.column[d] < s.column[i]) g.setEdge(String(d), String(i));
  dagre.layout(g);
  const x: number[] = [];
  const y: number[] = [];
  const columns: number[] = new Array<number>(s.columns).fill(Infinity);
  let top = Infinity;
  tasks.forEach((_, i) => {
    const node = g.node(String(i));
    x.push(Math.round(node.x - NODE_WIDTH / 2));
    y.push(Math.round(node.y - NODE_HEIGHT / 2));
    columns[s.column[i]] = Math.min(columns[s.column[i]], x[i]);
    top = Math.min(top, y[i]);
  });
  // Room for the stage labels above the highest node.
  const shift = tasks.length > 0 ? MARGIN_TOP - top : 0;
  for (let i = 0; i < y.length; i++) y[i] += shift;
  const edges: LayoutEdge[] = [];
  for (let i = 0; i < tasks.length; i++) {
    for (const d of s.deps[i]) {
      const edge: LayoutEdge = { from: d, to: i };
      // dagre's first and last points are where the edge meets the nodes' borders; the app joins sides.
      const bends = g.edge(String(d), String(i))?.points?.slice(1, -1) ?? [];
      if (bends.length > 0) edge.points = bends.flatMap((p) => [Math.round(p.x), Math.round(p.y + shift)]);
      edges.push(edge);
    }
  }
  let right = 0;
  let bottom = 0;
  for (let i = 0; i < x.length; i++) {
    right = Math.max(right, x[i] + NODE_WIDTH);
    bottom = Math.max(bottom, y[i] + NODE_HEIGHT);
  }
  for (const edge of edges) for (let k = 1; k < (edge.points?.length ?? 0); k += 2) bottom = Math.max(bottom, edge.points![k]);
  return {
    engine: 'dagre',
    width: right + MARGIN,
    height: bottom + MARGIN,
    nodeWidth: NODE_WIDTH,
    nodeHeight: NODE_HEIGHT,
    x,
    y,
    columns: columns.map((c, k) => (Number.isFinite(c) ? c : MARGIN + k * PITCH_X)),
    edges,
  };
}
