/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { TaskStatus } from '../../run/events';
import { COLUMN_GAP, type GraphLayout, NODE_HEIGHT, NODE_WIDTH } from '../layout';
import { columnIndex, curve, routed } from './edge-paths';
import { shortRunId, taskRun, type ViewModel } from '../model';
import { duration, escapeHtml, h, STATUS_LABELS, STATUSES } from './dom';

/**
 * The task graph: one element per task (`data-task`, `data-status`) placed by the layout, the edges
 * beneath them, a label per stage with its status counts. `draw` builds it for a layout; `update`
 * changes what statuses change (classes, texts, icons), never a position. Keyboard: the nodes are one
 * tab stop (a roving tabindex); arrows move along dependencies (left, right) and within a stage (up,
 * down); Enter or Space selects; Escape clears the selection.
 */

const SVG = 'http://www.w3.org/2000/svg';
/** Graphs up to this size get all their nodes at once; larger ones those in view first (`fill`). */
const FILL_AT_ONCE = 300;
/** How many nodes go into the page at once past the first view. */
const FILL_BATCH = 1500;
const MIN_ZOOM = 0.05;
const MAX_ZOOM = 2;

export interface GraphViewEvents {
  select(id: string | undefined): void;
  /** The time the picture is at (running tasks' durations). */
  now(): number;
  /** The zoom or the scroll changed (the app keeps them in the webview's state). */
  viewChanged(): void;
}

export class GraphView {
  readonly element: HTMLElement;
  private readonly sizer: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private readonly edgeLayer: SVGSVGElement;
  private readonly labels: HTMLDivElement;
  private readonly nodeLayer: HTMLDivElement;
  private model!: ViewModel;
  private layout!: GraphLayout;
  /** By task index; a large graph's nodes come in batches (`fill`), so some may not be there yet. */
  private nodes: (HTMLElement | undefined)[] = [];
  private filling?: ReturnType<typeof setTimeout>;
  private readonly near = new Set<number>();
  private index = new Map<string, number>();
  /** Per column, its tasks from top to bottom (up and down arrows). */
  private columnOrder: number[][] = [];
  private columnOf: number[] = [];
  private edgeOf = new Map<string, number>();
  private edgePaths: string[] = [];
  private criticalEdges: SVGPathElement;
  private nearEdges: SVGPathElement;
  private critical = new Set<number>();
  private selected = -1;
  private focused = 0;
  private zoom = 1;

  constructor(private readonly events: GraphViewEvents) {
    this.nodeLayer = h('div', { class: 'fa-nodes', role: 'group', 'aria-label': 'Tasks' });
    this.labels = h('div', { class: 'fa-stage-labels', 'aria-hidden': 'true' });
    this.edgeLayer = document.createElementNS(SVG, 'svg');
    this.edgeLayer.setAttribute('class', 'fa-edges');
    this.edgeLayer.setAttribute('aria-hidden', 'true');
    this.criticalEdges = document.createElementNS(SVG, 'path');
    this.criticalEdges.setAttribute('class', 'fa-edge fa-critical');
    this.nearEdges = document.createElementNS(SVG, 'path');
    this.nearEdges.setAttribute('class', 'fa-edge fa-near');
    this.canvas = h('div', { class: 'fa-canvas' }, this.edgeLayer, this.labels, this.nodeLayer);
    this.sizer = h('div', { class: 'fa-sizer' }, this.canvas);
    this.element = h('div', { class: 'fa-graph-pane', tabindex: -1 }, this.sizer);
    this.nodeLayer.addEventListener('click', (e) => {
      const i = this.nodeAt(e.target);
      if (i === undefined) return;
      this.focus(i);
      this.select(i === this.selected ? -1 : i);
    });
    this.nodeLayer.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('keydown', (e) => this.onZoomKey(e));
    this.element.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.element.addEventListener('scroll', () => this.events.viewChanged(), { passive: true });
  }

  /**
   * Prepares the picture of a model with its layout (a new structure): size, edges, stage labels. The
   * nodes come with `fill`, once the app has set the zoom and the scroll, so that the ones in view come
   * first.
   */
  draw(model: ViewModel, layout: GraphLayout): void {
    this.model = model;
    this.layout = layout;
    this.index = new Map(model.tasks.map((t, i) => [t.id, i]));
    this.canvas.style.width = `${layout.width}px`;
    this.canvas.style.height = `${layout.height}px`;
    this.sizer.style.width = `${layout.width * this.zoom}px`;
    this.sizer.style.height = `${layout.height * this.zoom}px`;
    this.edgeLayer.setAttribute('width', String(layout.width));
    this.edgeLayer.setAttribute('height', String(layout.height));
    clearTimeout(this.filling);
    this.nodeLayer.replaceChildren();
    this.nodes = new Array<HTMLElement | undefined>(model.tasks.length);
    this.selected = -1;
    this.near.clear();
    this.critical.clear();
    this.focused = Math.min(this.focused, Math.max(0, model.tasks.length - 1));
    this.drawEdges();
    const { x, y } = layout;
    this.columnOf = model.tasks.map((_, i) => columnIndex(layout, x[i]));
    this.columnOrder = layout.columns.map(() => [] as number[]);
    this.columnOf.forEach((c, i) => this.columnOrder[c]?.push(i));
    for (const column of this.columnOrder) column.sort((a, b) => y[a] - y[b]);
    this.drawStageLabels();
  }

  /**
   * Puts the nodes in: those in (and near) view at once, and, in a large graph, the others in batches
   * after it, so that the first picture comes quickly and the page stays responsive. `done` is called
   * once every node is in.
   */
  fill(done: () => void): void {
    const n = this.model.tasks.length;
    const pane = this.element;
    const margin = Math.max(pane.clientWidth, pane.clientHeight);
    const left = pane.scrollLeft / this.zoom - margin;
    const top = pane.scrollTop / this.zoom - margin;
    const right = (pane.scrollLeft + pane.clientWidth) / this.zoom + margin;
    const bottom = (pane.scrollTop + pane.clientHeight) / this.zoom + margin;
    const { x, y } = this.layout;
    const near: number[] = [];
    const far: number[] = [];
    for (let i = 0; i < n; i++)
      (n <= FILL_AT_ONCE || (x[i] < right && x[i] + NODE_WIDTH > left && y[i] < bottom && y[i] + NODE_HEIGHT > top) ? near : far).push(i);
    this.insert(near);
    if (far.length === 0) return done();
    let at = 0;
    const next = () => {
      this.insert(far.slice(at, (at += FILL_BATCH)));
      if (at < far.length) this.filling = setTimeout(next, 0);
      else done();
    };
    // The rest once the first view is painted.
    requestAnimationFrame(() => (this.filling = setTimeout(next, 0)));
  }

  private insert(indexes: readonly number[]): void {
    if (indexes.length === 0) return;
    const { x, y, nodeWidth: w, nodeHeight: hgt } = this.layout;
    const model = this.model;
    const now = this.now();
    const markup = indexes.map((i) => {
      const task = model.tasks[i];
      const status = taskRun(model, task.id)?.status ?? 'pending';
      const meta = metaText(model, i, now);
      const classes = `fa-node${this.critical.has(i) ? ' fa-on-path' : ''}${i === this.selected ? ' fa-selected' : ''}${this.near.has(i) ? ' fa-near' : ''}`;
      return (
        `<div class="${classes}" role="button" tabindex="${i === this.focused ? 0 : -1}" data-task="${escapeHtml(task.id)}" data-status="${status}" ` +
        `aria-label="${escapeHtml(ariaLabel(task.id, status, meta))}"${i === this.selected ? ' aria-pressed="true"' : ''} ` +
        `style="left:${x[i]}px;top:${y[i]}px;width:${w}px;height:${hgt}px"><span class="fa-name">${escapeHtml(task.id)}</span><span class="fa-meta">${escapeHtml(meta)}</span></div>`
      );
    });
    const batch = document.createElement('template');
    batch.innerHTML = markup.join('');
    const elements = batch.content.children;
    indexes.forEach((i, k) => (this.nodes[i] = elements[k] as HTMLElement));
    this.nodeLayer.append(batch.content);
  }

  private drawEdges(): void {
    const { edges, x, y, nodeWidth: w, nodeHeight: hgt } = this.layout;
    this.edgeOf = new Map();
    this.edgePaths = edges.map((edge, k) => {
      this.edgeOf.set(`${edge.from}>${edge.to}`, k);
      const [x1, y1, x2, y2] = [x[edge.from] + w, y[edge.from] + hgt / 2, x[edge.to], y[edge.to] + hgt / 2];
      return edge.points ? routed([x1, y1, x1 + 12, y1, ...edge.points, x2 - 12, y2, x2, y2]) : curve(x1, y1, x2, y2);
    });
    // One path per column of dependents: few elements, and a repaint draws only the columns in view.
    const byColumn = new Map<number, string[]>();
    edges.forEach((edge, k) => {
      const c = columnIndex(this.layout, x[edge.to]);
      let list = byColumn.get(c);
      if (!list) byColumn.set(c, (list = []));
      list.push(this.edgePaths[k]);
    });
    const paths = [...byColumn.values()].map((list) => {
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('class', 'fa-edge');
      path.setAttribute('d', list.join(''));
      return path;
    });
    this.edgeLayer.replaceChildren(...paths, this.criticalEdges, this.nearEdges);
    this.criticalEdges.setAttribute('d', '');
    this.nearEdges.setAttribute('d', '');
  }

  private now(): number {
    return this.events.now();
  }

  /** Statuses, attempts and durations of the given tasks (all by default) and the stage counts. */
  update(ids?: Iterable<string>, now = this.now()): void {
    const model = this.model;
    if (!model) return;
    const indexes = ids ? [...ids].map((id) => this.index.get(id)).filter((i): i is number => i !== undefined) : model.tasks.map((_, i) => i);
    for (const i of indexes) {
      const node = this.nodes[i];
      if (!node) continue;
      const id = model.tasks[i].id;
      const run = taskRun(model, id);
      const status: TaskStatus = run?.status ?? 'pending';
      const meta = metaText(model, i, now);
      const metaElement = node.lastElementChild!;
      if (node.dataset.status === status && metaElement.textContent === meta) continue;
      node.dataset.status = status;
      metaElement.textContent = meta;
      node.setAttribute('aria-label', ariaLabel(id, status, meta));
    }
    this.drawStageLabels();
  }

  private drawStageLabels(): void {
    const { columns } = this.layout;
    const counts = columns.map(() => new Map<TaskStatus, number>());
    this.model.tasks.forEach((task, i) => {
      const status = taskRun(this.model, task.id)?.status ?? 'pending';
      const column = counts[this.columnOf[i]];
      column?.set(status, (column.get(status) ?? 0) + 1);
    });
    const labels = columns.map((left, c) => {
      const total = [...counts[c].values()].reduce((a, b) => a + b, 0);
      const never = c === columns.length - 1 && this.model.tasks.some((t) => t.stage === 0);
      const label = h('div', { class: 'fa-stage-label', style: `left:${left}px;width:${this.layout.nodeWidth + COLUMN_GAP / 2}px` });
      label.append(never ? `Never runs · ${total}` : `Stage ${c + 1} · ${total} task${total === 1 ? '' : 's'}`);
      if (this.model.run) {
        for (const status of STATUSES) {
          const n = counts[c].get(status);
          if (n && status !== 'pending')
            label.append(' ', h('span', { class: 'fa-count', 'data-outcome': status, title: `${n} ${STATUS_LABELS[status]}` }, `${n}`));
        }
      }
      return label;
    });
    this.labels.replaceChildren(...labels);
  }

  /** Marks the critical path (its tasks and the edges between them). */
  setCritical(ids: readonly string[]): void {
    const next = new Set(ids.map((id) => this.index.get(id)).filter((i): i is number => i !== undefined));
    for (const i of this.critical) if (!next.has(i)) this.nodes[i]?.classList.remove('fa-on-path');
    for (const i of next) if (!this.critical.has(i)) this.nodes[i]?.classList.add('fa-on-path');
    this.critical = next;
    const path: string[] = [];
    for (let k = 1; k < ids.length; k++) {
      const edge = this.edgeOf.get(`${this.index.get(ids[k - 1])}>${this.index.get(ids[k])}`);
      if (edge !== undefined) path.push(this.edgePaths[edge]);
    }
    this.criticalEdges.setAttribute('d', path.join(''));
  }

  /** Selects a task (its node and its edges stand out), or none; `reveal` scrolls a task's node into view. */
  selectTask(id: string | undefined, options: { focus?: boolean; reveal?: string } = {}): void {
    const i = id === undefined ? -1 : (this.index.get(id) ?? -1);
    if (i !== this.selected) this.mark(i);
    if (i >= 0 && options.focus) this.focus(i);
    else if (i >= 0) this.setFocusable(i);
    const shown = options.reveal === undefined ? undefined : this.index.get(options.reveal);
    if (shown !== undefined) {
      if (i < 0) this.setFocusable(shown);
      this.reveal(shown);
    }
  }

  private select(i: number): void {
    this.mark(i);
    this.events.select(i >= 0 ? this.model.tasks[i].id : undefined);
  }

  private mark(i: number): void {
    const old = this.selected;
    if (old >= 0) {
      this.nodes[old]?.classList.remove('fa-selected');
      this.nodes[old]?.removeAttribute('aria-pressed');
    }
    for (const n of this.near) this.nodes[n]?.classList.remove('fa-near');
    this.near.clear();
    this.selected = i;
    if (i < 0) {
      this.nearEdges.setAttribute('d', '');
      return;
    }
    this.nodes[i]?.classList.add('fa-selected');
    this.nodes[i]?.setAttribute('aria-pressed', 'true');
    const near: string[] = [];
    this.layout.edges.forEach((edge, k) => {
      if (edge.from !== i && edge.to !== i) return;
      near.push(this.edgePaths[k]);
      const other = edge.from === i ? edge.to : edge.from;
      this.near.add(other);
      this.nodes[other]?.classList.add('fa-near');
    });
    this.nearEdges.setAttribute('d', near.join(''));
  }

  /** Moves the keyboard focus to a node (the graph's one tab stop). */
  focus(i: number): void {
    if (i < 0 || i >= this.model.tasks.length) return;
    this.setFocusable(i);
    this.nodes[i]?.focus({ preventScroll: true });
    this.reveal(i);
  }

  /** Moves the keyboard focus to a task's node. */
  focusTask(id: string): void {
    const i = this.index.get(id);
    if (i !== undefined) this.focus(i);
  }

  /** Focuses the graph: its current node. */
  focusGraph(): void {
    this.focus(this.selected >= 0 ? this.selected : this.focused);
  }

  private setFocusable(i: number): void {
    this.nodes[this.focused]?.setAttribute('tabindex', '-1');
    this.focused = i;
    this.nodes[i]?.setAttribute('tabindex', '0');
  }

  /** Scrolls a node into view (when it is not). */
  private reveal(i: number): void {
    const pane = this.element;
    const left = this.layout.x[i] * this.zoom;
    const top = this.layout.y[i] * this.zoom;
    const right = left + this.layout.nodeWidth * this.zoom;
    const bottom = top + this.layout.nodeHeight * this.zoom;
    const margin = 24;
    if (left < pane.scrollLeft || right > pane.scrollLeft + pane.clientWidth) pane.scrollLeft = Math.max(0, left - pane.clientWidth / 2 + (right - left) / 2);
    if (top < pane.scrollTop || bottom > pane.scrollTop + pane.clientHeight) pane.scrollTop = Math.max(0, top - pane.clientHeight / 2 + margin);
  }

  private nodeAt(target: EventTarget | null): number | undefined {
    const node = (target as Element | null)?.closest?.('.fa-node');
    const id = node?.getAttribute('data-task');
    return id === null || id === undefined ? undefined : this.index.get(id);
  }

  private onKey(e: KeyboardEvent): void {
    const i = this.nodeAt(e.target);
    if (i === undefined) return;
    let next: number | undefined;
    switch (e.key) {
      case 'Enter':
      case ' ':
        this.select(i === this.selected && e.key === ' ' ? -1 : i);
        break;
      case 'Escape':
        if (this.selected < 0) return;
        this.select(-1);
        break;
      case 'ArrowLeft':
        next = this.nearest(
          i,
          this.model.tasks[i].dependencies.map((d) => this.index.get(d)),
        );
        break;
      case 'ArrowRight':
        next = this.nearest(
          i,
          this.layout.edges.filter((edge) => edge.from === i).map((edge) => edge.to),
        );
        break;
      case 'ArrowUp':
      case 'ArrowDown': {
        const column = this.columnOrder[this.columnOf[i]];
        next = column[column.indexOf(i) + (e.key === 'ArrowUp' ? -1 : 1)];
        break;
      }
      case 'Home':
      case 'End': {
        const column = this.columnOrder[this.columnOf[i]];
        next = e.key === 'Home' ? column[0] : column[column.length - 1];
        break;
      }
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (next !== undefined) this.focus(next);
  }

  /** Of some nodes, the one nearest `i` vertically (arrows follow the picture). */
  private nearest(i: number, candidates: (number | undefined)[]): number | undefined {
    let best: number | undefined;
    for (const c of candidates) {
      if (c === undefined) continue;
      if (best === undefined || Math.abs(this.layout.y[c] - this.layout.y[i]) < Math.abs(this.layout.y[best] - this.layout.y[i])) best = c;
    }
    return best;
  }

  private onZoomKey(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '+' || e.key === '=') this.setZoom(this.zoom * 1.25);
    else if (e.key === '-') this.setZoom(this.zoom / 1.25);
    else if (e.key === '0') this.fit();
    else return;
    e.preventDefault();
  }

  private onWheel(e: WheelEvent): void {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    const rect = this.element.getBoundingClientRect();
    this.setZoom(this.zoom * Math.exp(-e.deltaY / 300), { x: e.clientX - rect.left, y: e.clientY - rect.top });
  }

  getZoom(): number {
    return this.zoom;
  }

  /** Zooms about a point of the pane (its centre by default). */
  setZoom(zoom: number, about?: { x: number; y: number }): void {
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
    const pane = this.element;
    const point = about ?? { x: pane.clientWidth / 2, y: pane.clientHeight / 2 };
    const cx = (pane.scrollLeft + point.x) / this.zoom;
    const cy = (pane.scrollTop + point.y) / this.zoom;
    this.zoom = next;
    this.canvas.style.transform = `scale(${next})`;
    if (this.layout) {
      this.sizer.style.width = `${this.layout.width * next}px`;
      this.sizer.style.height = `${this.layout.height * next}px`;
    }
    pane.scrollLeft = cx * next - point.x;
    pane.scrollTop = cy * next - point.y;
    this.element.dataset.zoom = next.toFixed(2);
    this.events.viewChanged();
  }

  /** The zoom that shows the whole graph (at most 100 %). */
  fit(): void {
    if (!this.layout) return;
    const pane = this.element;
    this.setZoom(Math.min(1, pane.clientWidth / this.layout.width, pane.clientHeight / this.layout.height));
    pane.scrollLeft = 0;
    pane.scrollTop = 0;
  }

  scroll(): { left: number; top: number } {
    return { left: this.element.scrollLeft, top: this.element.scrollTop };
  }

  scrollTo(left: number, top: number): void {
    this.element.scrollLeft = left;
    this.element.scrollTop = top;
  }
}

function ariaLabel(id: string, status: TaskStatus, meta: string): string {
  return `${id}: ${STATUS_LABELS[status]}${meta && meta !== STATUS_LABELS[status] ? `, ${meta}` : ''}`;
}

/** What a node says under its name: attempt and duration once it ran, else its status or class. */
function metaText(model: ViewModel, i: number, now: number): string {
  const task = model.tasks[i];
  const run = taskRun(model, task.id);
  if (!model.run) return task.className !== task.id ? task.className : `stage ${task.stage}`;
  if (run?.reused !== undefined) return `reused · ${shortRunId(run.reused)}`;
  if (!run || run.attempt === 0) return STATUS_LABELS[run?.status ?? 'pending'];
  const first = run.attempts[0];
  const ms = run.status === 'running' ? Math.max(0, now - (first?.start ?? now)) : run.durationMs;
  const last = run.attempts[run.attempts.length - 1];
  const waiting = run.status === 'running' && last && last.end !== undefined ? ' · retrying' : '';
  return `attempt ${run.attempt} · ${duration(ms)}${waiting}`;
}
