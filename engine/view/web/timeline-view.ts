/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { taskRun, type ViewAttempt, type ViewModel } from '../model';
import { duration, h } from './dom';

/**
 * The run's timeline: a row per task that ran, in the order they started, and on it a bar per attempt
 * over time (its outcome's colour; a timed-out attempt ends with a mark; a retried one is hatched and
 * followed by its back-off), after a faint bar while the task waited with its dependencies done. Rows
 * are drawn only where they are in view, so a run of 10,000 tasks scrolls as lightly as one of ten.
 */

const ROW_HEIGHT = 22;
const LABEL_WIDTH = 180;
const OVERSCAN = 10;

export interface TimelineEvents {
  select(id: string | undefined): void;
}

export class TimelineView {
  readonly element: HTMLElement;
  private readonly axis: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly sizer: HTMLDivElement;
  private readonly note: HTMLParagraphElement;
  private model?: ViewModel;
  private rows: string[] = [];
  private ready = new Map<string, number>();
  private start = 0;
  private span = 1;
  private now = 0;
  private selected?: string;

  constructor(private readonly events: TimelineEvents) {
    this.axis = h('div', { class: 'fa-tl-axis', 'aria-hidden': 'true' });
    this.sizer = h('div', { class: 'fa-tl-sizer' });
    this.body = h('div', { class: 'fa-tl-body', role: 'list', 'aria-label': 'Attempts over time' }, this.sizer);
    this.note = h('p', { class: 'fa-muted fa-tl-note' });
    this.element = h('div', { class: 'fa-timeline' }, this.note, this.axis, this.body);
    this.body.addEventListener('scroll', () => this.render(), { passive: true });
    this.body.addEventListener('click', (e) => {
      const row = (e.target as Element).closest('[data-timeline-task]');
      const id = row?.getAttribute('data-timeline-task');
      if (id) this.events.select(id);
    });
    this.body.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.render()).observe(this.body);
  }

  /** Takes a model's run (again): rows, the time scale, the rows in view. */
  show(model: ViewModel, now: number, selected?: string): void {
    this.model = model;
    this.now = now;
    this.selected = selected;
    const run = model.run;
    if (!run) {
      this.rows = [];
      this.note.textContent = 'No run: the timeline shows a run’s attempts (fastasyncio graph --run <id>, or run the job).';
      this.render();
      return;
    }
    const started = model.tasks.filter((t) => (taskRun(model, t.id)?.attempts.length ?? 0) > 0);
    const first = (id: string) => taskRun(model, id)!.attempts[0].start;
    this.rows = started.map((t) => t.id).sort((a, b) => first(a) - first(b));
    const ended = new Map<string, number>();
    for (const task of started) {
      const attempts = taskRun(model, task.id)!.attempts;
      const end = attempts[attempts.length - 1].end;
      if (end !== undefined) ended.set(task.id, end);
    }
    this.ready = new Map(started.map((t) => [t.id, t.dependencies.reduce((m, d) => Math.max(m, ended.get(d) ?? m), run.startedAt)]));
    this.start = run.startedAt;
    this.span = Math.max(1, run.finished ? Math.max(run.durationMs, run.lastTime - run.startedAt) : now - run.startedAt);
    const idle = model.tasks.length - started.length;
    this.note.textContent = `${started.length} task${started.length === 1 ? '' : 's'} ran over ${duration(this.span)}${idle ? `; ${idle} did not start` : ''}.`;
    this.render();
  }

  private scale(): number {
    return Math.max(40, this.body.clientWidth - LABEL_WIDTH - 16) / this.span;
  }

  /** Draws the axis and the rows in view. */
  private render(): void {
    this.sizer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    if (!this.model?.run || this.body.clientHeight === 0) {
      this.sizer.replaceChildren();
      this.axis.replaceChildren();
      return;
    }
    const k = this.scale();
    this.axis.replaceChildren(...ticks(this.span).map((t) => h('span', { class: 'fa-tick', style: `left:${LABEL_WIDTH + t * k}px` }, duration(t))));
    const first = Math.max(0, Math.floor(this.body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.body.scrollTop + this.body.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const focused = (document.activeElement as HTMLElement | null)?.closest?.('[data-timeline-task]')?.getAttribute('data-timeline-task');
    const rows: HTMLElement[] = [];
    for (let r = first; r < last; r++) rows.push(this.row(this.rows[r], r, k));
    this.sizer.replaceChildren(...rows);
    if (focused) this.focusRow(this.rows.indexOf(focused));
  }

  private row(id: string, r: number, k: number): HTMLElement {
    const run = taskRun(this.model!, id)!;
    const x = (time: number) => LABEL_WIDTH + (time - this.start) * k;
    const track: HTMLElement[] = [];
    const ready = this.ready.get(id) ?? this.start;
    const firstStart = run.attempts[0].start;
    if ((firstStart - ready) * k >= 2)
      track.push(bar('fa-tl-wait', x(ready), (firstStart - ready) * k, `waited ${duration(firstStart - ready)} with its dependencies done`));
    run.attempts.forEach((a, n) => {
      const end = a.end ?? this.now;
      track.push(
        bar(`fa-tl-bar${a.retryDelayMs !== undefined ? ' fa-retried' : ''}`, x(a.start), Math.max(2, (end - a.start) * k), attemptTitle(id, a, end), a.outcome),
      );
      const next = run.attempts[n + 1];
      if (a.end !== undefined && next)
        track.push(bar('fa-tl-backoff', x(a.end), (next.start - a.end) * k, `back-off ${duration(next.start - a.end)} before attempt ${next.attempt}`));
    });
    const label = h('button', { type: 'button', class: 'fa-tl-label', tabindex: 0, title: id, 'data-outcome': run.status }, id);
    const row = h(
      'div',
      { class: `fa-tl-row${id === this.selected ? ' fa-selected' : ''}`, role: 'listitem', 'data-timeline-task': id, style: `top:${r * ROW_HEIGHT}px` },
      label,
      ...track,
    );
    return row;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const id = (e.target as Element).closest('[data-timeline-task]')?.getAttribute('data-timeline-task');
    if (!id) return;
    e.preventDefault();
    this.focusRow(this.rows.indexOf(id) + (e.key === 'ArrowUp' ? -1 : 1), true);
  }

  private focusRow(r: number, scroll = false): void {
    if (r < 0 || r >= this.rows.length) return;
    if (scroll) {
      const top = r * ROW_HEIGHT;
      if (top < this.body.scrollTop) this.body.scrollTop = top;
      else if (top + ROW_HEIGHT > this.body.scrollTop + this.body.clientHeight) this.body.scrollTop = top + ROW_HEIGHT - this.body.clientHeight;
      this.render();
    }
    const label = this.sizer.querySelector<HTMLElement>(`[data-timeline-task="${CSS.escape(this.rows[r])}"] .fa-tl-label`);
    label?.focus({ preventScroll: true });
  }
}

function bar(className: string, left: number, width: number, title: string, outcome?: ViewAttempt['outcome']): HTMLElement {
  return h('span', { class: className, style: `left:${left}px;width:${width}px`, title, 'data-outcome': outcome });
}

function attemptTitle(id: string, a: ViewAttempt, end: number): string {
  const what = a.outcome === 'timedOut' ? 'timed out' : a.outcome;
  const error = a.error ? `: ${a.error.message}` : '';
  const retried = a.retryDelayMs !== undefined ? ` (retried after ${duration(a.retryDelayMs)})` : '';
  return `${id} attempt ${a.attempt} ${what} after ${duration(end - a.start)}${error}${retried}`;
}

/** Round times for the axis: about six of them over the span. */
function ticks(span: number): number[] {
  const raw = span / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) out.push(t);
  return out;
}
