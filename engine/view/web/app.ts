/*! FastAsyncio job graph. It bundles @dagrejs/dagre and @dagrejs/graphlib, under this licence:

Copyright (c) 2012-2014 Chris Pettitt

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR
THE USE OR OTHER DEALINGS IN THE SOFTWARE.
*/
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { RunEvent } from '../../run/events';
import { criticalPath } from '../critical-path';
import { applyEvent } from '../fold';
import { type GraphLayout, type LayoutEngine, layoutGraph, structureKey } from '../layout';
import { taskRun, VIEW_MODEL_VERSION, type ViewModel, type ViewRun } from '../model';
import { type HostMessage, isHostMessage, MODEL_ID, ROOT_ID } from '../protocol';
import { DetailsView } from './details-view';
import { duration, h, icon } from './dom';
import { GraphView } from './graph-view';
import { connectHost, type Host } from './host';
import { TimelineView } from './timeline-view';

/**
 * The graph app, in the browser (the webview, or the page `fastasyncio graph --format html` writes): it
 * draws the model in the page (or the one the host posts), folds the run events it is sent, and redraws
 * only what they change. Layouts are computed once per structure and, when they were costly, kept in the
 * webview's state with the selection, the tab, the zoom and the scroll, so that a panel hidden and shown
 * again comes back as it was.
 */

type Tab = 'graph' | 'timeline';

interface SavedState {
  version: 1;
  selected?: string;
  tab: Tab;
  zoom?: number;
  scroll?: { left: number; top: number };
  /** A layout that took long to compute (dagre's), for the structure it is for. */
  layout?: GraphLayout;
}

/** How often the details and the timeline follow a live run (the graph follows every frame). */
const SLOW_REFRESH_MS = 250;

class App {
  private model?: ViewModel;
  private layout?: GraphLayout;
  private critical: string[] = [];
  private selected?: string;
  private tab: Tab;
  private readonly graph: GraphView;
  private readonly details: DetailsView;
  private readonly timeline: TimelineView;
  private readonly title = h('h1', {}, 'Job graph');
  private readonly badge = h('span', { class: 'fa-run-badge' });
  /** In the editor, on a run that failed or was cancelled: runs again the tasks that did not succeed. */
  private readonly rerunFailed = h(
    'button',
    {
      type: 'button',
      class: 'fa-tool fa-rerun-failed',
      title: 'Run the tasks that did not succeed again, reusing the results of those that did',
      hidden: true,
    },
    'Re-run Failed',
  );
  private readonly tabs: Record<Tab, HTMLButtonElement>;
  private readonly find = h('input', { type: 'search', class: 'fa-find', placeholder: 'Find a task ( / )', 'aria-label': 'Find a task' });
  private readonly zoomText = h('span', { class: 'fa-zoom-text' });
  private readonly dirty = new Set<string>();
  private frame = 0;
  private lastSlow = 0;
  private slowTimer?: ReturnType<typeof setTimeout>;
  private ticker?: ReturnType<typeof setInterval>;
  private saveTimer?: ReturnType<typeof setTimeout>;
  private drawn = false;

  constructor(
    root: HTMLElement,
    private readonly host: Host,
    private readonly saved: SavedState | undefined,
  ) {
    this.tab = saved?.tab ?? 'graph';
    this.selected = saved?.selected;
    this.graph = new GraphView({ select: (id) => this.select(id), viewChanged: () => this.viewChanged(), now: () => this.now() });
    this.details = new DetailsView({
      select: (id) => this.select(id, { reveal: true }),
      open: host.inEditor ? (m) => host.post(m) : undefined,
      runTask: host.inEditor ? (task) => this.runTask(task) : undefined,
    });
    this.timeline = new TimelineView({ select: (id) => this.select(id, { reveal: true }) });
    this.tabs = {
      graph: this.tabButton('graph', 'Graph'),
      timeline: this.tabButton('timeline', 'Timeline'),
    };
    const zoomOut = this.toolButton('−', 'Zoom out (-)', () => this.graph.setZoom(this.graph.getZoom() / 1.25));
    const zoomIn = this.toolButton('+', 'Zoom in (+)', () => this.graph.setZoom(this.graph.getZoom() * 1.25));
    const fit = this.toolButton('Fit', 'Show the whole graph (0)', () => this.graph.fit());
    const header = h(
      'header',
      { class: 'fa-bar' },
      this.title,
      this.badge,
      this.rerunFailed,
      h('div', { class: 'fa-tabs', role: 'tablist', 'aria-label': 'Views' }, this.tabs.graph, this.tabs.timeline),
      h('div', { class: 'fa-tools' }, this.find, zoomOut, this.zoomText, zoomIn, fit),
    );
    this.graph.element.id = 'fa-pane-graph';
    this.graph.element.setAttribute('role', 'tabpanel');
    this.timeline.element.id = 'fa-pane-timeline';
    this.timeline.element.setAttribute('role', 'tabpanel');
    const main = h('div', { class: 'fa-main' }, h('div', { class: 'fa-views' }, this.graph.element, this.timeline.element), this.details.element);
    root.replaceChildren(header, main);
    this.rerunFailed.addEventListener('click', () => {
      const run = this.model?.run;
      if (run && rerunnable(run)) this.host.post({ type: 'rerun-failed', runId: run.runId });
    });
    this.find.addEventListener('keydown', (e) => this.onFind(e));
    document.addEventListener('keydown', (e) => this.onKey(e));
    this.showTab(this.tab, false);
  }

  /** A full snapshot: laid out again only when its structure differs from the one drawn. */
  setModel(model: ViewModel): void {
    if (model.version !== VIEW_MODEL_VERSION) return;
    this.model = model;
    const key = structureKey(model.tasks);
    const sameStructure = this.layout?.key === key;
    if (this.selected !== undefined && !model.tasks.some((t) => t.id === this.selected)) this.selected = undefined;
    this.title.textContent = model.job;
    document.title = `${model.job} · FastAsyncio`;
    if (sameStructure) {
      this.refresh();
    } else {
      const started = performance.now();
      this.layout = this.saved?.layout?.key === key && !forcedEngine() ? this.saved.layout : layoutGraph(model.tasks, forcedEngine());
      const root = document.documentElement;
      root.dataset.layoutEngine = this.layout.engine;
      root.dataset.layoutMs = (performance.now() - started).toFixed(1);
      delete root.dataset.complete;
      performance.mark('fastasyncio:layout');
      this.graph.draw(model, this.layout);
      this.critical = [];
      this.refresh(false);
      this.restoreView();
      this.graph.fill(() => {
        root.dataset.complete = 'true';
        performance.mark('fastasyncio:complete');
      });
      performance.mark('fastasyncio:nodes');
    }
    this.followRun();
    if (!this.drawn) this.markDrawn();
  }

  receive(message: HostMessage): void {
    if (message.type === 'model') return this.setModel(message.model);
    const events: RunEvent[] = message.type === 'event' ? [message.event] : message.events;
    if (!this.model) return;
    let structure = false;
    for (const event of events) {
      const change = applyEvent(this.model, event);
      structure ||= change.structure === true;
      if (change.everyTask) for (const task of this.model.tasks) this.dirty.add(task.id);
      if (change.task !== undefined) this.dirty.add(change.task);
    }
    if (structure) return this.setModel(this.model);
    this.followRun();
    this.schedule();
  }

  /** The time the picture is at: now while the run is live in the editor; the run's last event on a page. */
  private now(): number {
    const run = this.model?.run;
    if (!run) return 0;
    return this.host.inEditor && !run.finished ? Math.max(Date.now(), run.lastTime) : run.lastTime;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.graph.update(this.dirty, this.now());
      this.dirty.clear();
      this.updateCritical();
      this.updateBadge();
      const wait = SLOW_REFRESH_MS - (performance.now() - this.lastSlow);
      if (wait <= 0) this.refreshSlow();
      else this.slowTimer ??= setTimeout(() => this.refreshSlow(), wait);
    });
  }

  /** Everything from the model: nodes (unless just drawn), critical path, header, details, timeline. */
  private refresh(nodes = true): void {
    if (nodes) this.graph.update(undefined, this.now());
    this.dirty.clear();
    this.updateCritical();
    this.updateBadge();
    this.refreshSlow();
  }

  private refreshSlow(): void {
    clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
    this.lastSlow = performance.now();
    if (!this.model) return;
    this.graph.selectTask(this.selected);
    this.details.show(this.model, this.selected, this.critical, this.now());
    if (this.tab === 'timeline') this.timeline.show(this.model, this.now(), this.selected);
  }

  private updateCritical(): void {
    const next = criticalPath(this.model!, this.now());
    if (next.length === this.critical.length && next.every((id, i) => id === this.critical[i])) return;
    this.critical = next;
    this.graph.setCritical(next);
  }

  /** "Run Task": with its inputs from the run shown once it has ended, else from the latest run that has them. */
  private runTask(task: string): void {
    const run = this.model?.run;
    this.host.post(run?.finished ? { type: 'run-task', task, runId: run.runId } : { type: 'run-task', task });
  }

  private updateBadge(): void {
    const run = this.model?.run;
    this.rerunFailed.hidden = !(this.host.inEditor && run && rerunnable(run));
    if (!run) {
      this.badge.replaceChildren('no run');
      this.badge.removeAttribute('data-outcome');
      return;
    }
    const ms = run.finished ? run.durationMs : Math.max(run.durationMs, this.now() - run.startedAt);
    this.badge.dataset.outcome = run.status;
    this.badge.replaceChildren(run.status === 'running' ? icon('running') : '', `${run.status} · ${duration(ms)}`);
    this.badge.title = `run ${run.runId}`;
  }

  /** While a run is live in the editor, running tasks' durations tick every second. */
  private followRun(): void {
    const live = this.host.inEditor && this.model?.run !== undefined && !this.model.run.finished;
    if (live && !this.ticker) {
      this.ticker = setInterval(() => {
        const model = this.model;
        if (!model) return;
        for (const task of model.tasks) if (taskRun(model, task.id)?.status === 'running') this.dirty.add(task.id);
        this.schedule();
      }, 1000);
    } else if (!live && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  select(id: string | undefined, options: { reveal?: boolean; focus?: boolean } = {}): void {
    this.selected = id;
    this.graph.selectTask(id, { focus: options.focus, reveal: options.reveal ? id : undefined });
    if (this.model) {
      this.details.show(this.model, id, this.critical, this.now());
      if (this.tab === 'timeline') this.timeline.show(this.model, this.now(), id);
    }
    this.save();
  }

  private showTab(tab: Tab, focus = true): void {
    this.tab = tab;
    for (const [name, button] of Object.entries(this.tabs) as [Tab, HTMLButtonElement][]) {
      button.setAttribute('aria-selected', String(name === tab));
      button.tabIndex = name === tab ? 0 : -1;
    }
    this.graph.element.hidden = tab !== 'graph';
    this.timeline.element.hidden = tab !== 'timeline';
    if (tab === 'timeline' && this.model) this.timeline.show(this.model, this.now(), this.selected);
    if (focus) this.tabs[tab].focus();
    this.save();
  }

  private tabButton(tab: Tab, label: string): HTMLButtonElement {
    const button = h('button', { type: 'button', role: 'tab', class: 'fa-tab', 'aria-controls': `fa-pane-${tab}` }, label);
    button.addEventListener('click', () => this.showTab(tab));
    button.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      e.preventDefault();
      this.showTab(this.tab === 'graph' ? 'timeline' : 'graph');
    });
    return button;
  }

  private toolButton(label: string, title: string, onClick: () => void): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'fa-tool', title, 'aria-label': title }, label);
    button.addEventListener('click', onClick);
    return button;
  }

  private onKey(e: KeyboardEvent): void {
    const typing = e.target instanceof HTMLInputElement;
    if (e.key === 'Escape' && !typing && this.selected !== undefined) {
      const id = this.selected;
      this.select(undefined);
      if (this.tab === 'graph') this.graph.focusTask(id);
      e.preventDefault();
    } else if (e.key === '/' && !typing) {
      this.find.focus();
      e.preventDefault();
    }
  }

  /** Enter in the find box: the next task whose id contains the text. */
  private onFind(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      this.find.value = '';
      this.graph.focusGraph();
      return;
    }
    if (e.key !== 'Enter' || !this.model) return;
    const query = this.find.value.trim().toLowerCase();
    if (!query) return;
    const matches = this.model.tasks.filter((t) => t.id.toLowerCase().includes(query));
    if (matches.length === 0) {
      this.find.setCustomValidity('no task matches');
      this.find.reportValidity();
      return;
    }
    this.find.setCustomValidity('');
    const at = matches.findIndex((t) => t.id === this.selected);
    const next = matches[(at + 1) % matches.length];
    if (this.tab !== 'graph') this.showTab('graph', false);
    this.select(next.id, { reveal: true });
    this.find.title = `${((at + 1) % matches.length) + 1} of ${matches.length}`;
  }

  private viewChanged(): void {
    this.zoomText.textContent = `${Math.round(this.graph.getZoom() * 100)}%`;
    this.save();
  }

  /**
   * The zoom and scroll the panel had before it was hidden; else the whole graph, or, when that would be
   * too small to read, full size around the task that matters most (the first failed, else running, else
   * the start of the critical path). Called before the nodes are in (cheap: nothing to lay out yet).
   */
  private restoreView(): void {
    // The kept view is the first picture's; a structure that changes later starts afresh.
    const saved = this.drawn ? undefined : this.saved;
    if (saved?.zoom !== undefined) {
      this.graph.setZoom(saved.zoom);
      if (saved.scroll) this.graph.scrollTo(saved.scroll.left, saved.scroll.top);
    } else {
      this.graph.fit();
      if (this.graph.getZoom() < 0.5) {
        this.graph.setZoom(1);
        const model = this.model!;
        const status = (id: string) => taskRun(model, id)?.status;
        const first = model.tasks.find((t) => status(t.id) === 'failed' || status(t.id) === 'timedOut') ?? model.tasks.find((t) => status(t.id) === 'running');
        const id = first?.id ?? this.critical[0] ?? model.tasks[0]?.id;
        if (id !== undefined) this.graph.selectTask(undefined, { reveal: id });
      }
    }
    if (this.selected !== undefined) this.graph.selectTask(this.selected, { reveal: this.selected });
  }

  private save(): void {
    if (!this.host.inEditor) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const state: SavedState = { version: 1, tab: this.tab, selected: this.selected, zoom: this.graph.getZoom(), scroll: this.graph.scroll() };
      if (this.layout?.engine === 'dagre') state.layout = this.layout;
      this.host.saveState(state);
    }, 200);
  }

  /** Marks the first drawing on the page (after the frame that paints it): tests and benchmarks wait for it. */
  private markDrawn(): void {
    this.drawn = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        document.documentElement.dataset.drawnMs = performance.now().toFixed(0);
        performance.mark('fastasyncio:drawn');
      }, 0),
    );
  }
}

/** A run "Re-run Failed" is offered on: it ended failed or cancelled (as the extension's tree and notification offer it). */
function rerunnable(run: ViewRun): boolean {
  return run.finished && (run.status === 'failed' || run.status === 'cancelled');
}

/** `#layout=dagre` or `#layout=layered` in the page's address forces an engine (comparisons, benchmarks). */
function forcedEngine(): LayoutEngine | undefined {
  const engine = /(?:^#|&)layout=(dagre|layered)\b/.exec(location.hash)?.[1];
  return engine as LayoutEngine | undefined;
}

function savedState(value: unknown): SavedState | undefined {
  const state = value as Partial<SavedState> | undefined;
  return state && state.version === 1 && (state.tab === 'graph' || state.tab === 'timeline') ? (state as SavedState) : undefined;
}

function embeddedModel(): ViewModel | undefined {
  const text = document.getElementById(MODEL_ID)?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as ViewModel;
  } catch {
    return undefined;
  }
}

function start(): void {
  const root = document.getElementById(ROOT_ID);
  if (!root) return;
  const host = connectHost();
  const app = new App(root, host, savedState(host.state()));
  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    if (isHostMessage(e.data)) app.receive(e.data);
  });
  const model = embeddedModel();
  performance.mark('fastasyncio:model');
  if (model) app.setModel(model);
  host.post({ type: 'ready' });
}

start();
