/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { TaskStatus } from '../../run/events';
import { own, shortRunId, taskInput, taskRun, type ViewAttempt, type ViewLogLine, type ViewModel, type ViewTask } from '../model';
import type { ViewMessage } from '../protocol';
import { clock, duration, h, icon, jsonText, STATUS_LABELS, STATUSES } from './dom';

/**
 * The details panel: the selected task (its input, which is its dependencies' results, its result, its
 * error with the stack, its attempts and log lines, links to its module and its place in the config), or,
 * with nothing selected, the run (status, the handler's output, the critical path, the handler's lines).
 */

export interface DetailsEvents {
  select(id: string | undefined): void;
  /** Set in the webview: opens a file in the editor. */
  open?: (message: ViewMessage) => void;
  /** Set in the webview: "Run Task" runs just this task. */
  runTask?: (task: string) => void;
}

const OUTCOME_LABELS: Record<ViewAttempt['outcome'], string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  timedOut: 'timed out',
  cancelled: 'cancelled',
};

export class DetailsView {
  readonly element: HTMLElement;
  private shown: string | undefined = '\0';

  constructor(private readonly events: DetailsEvents) {
    this.element = h('aside', { class: 'fa-details', 'aria-label': 'Details', tabindex: -1 });
  }

  /** Shows a task (or the run when `id` is undefined); keeps the scroll position when it is the same one. */
  show(model: ViewModel, id: string | undefined, critical: readonly string[], now: number): void {
    const task = id === undefined ? undefined : model.tasks.find((t) => t.id === id);
    const same = this.shown === (task?.id ?? undefined);
    const scroll = this.element.scrollTop;
    this.element.replaceChildren(...(task ? this.taskSections(model, task, now) : this.runSections(model, critical, now)));
    this.shown = task?.id;
    if (same) this.element.scrollTop = scroll;
  }

  private taskSections(model: ViewModel, task: ViewTask, now: number): Node[] {
    const run = taskRun(model, task.id);
    const status: TaskStatus = run?.status ?? 'pending';
    const header = h(
      'header',
      { class: 'fa-details-header', 'data-status': status },
      icon(status),
      h('h2', {}, task.id),
      h(
        'span',
        { class: 'fa-status-text' },
        run?.reused === undefined ? STATUS_LABELS[status] : `${STATUS_LABELS[status]} · reused from ${shortRunId(run.reused)}`,
      ),
      h('button', { class: 'fa-close', type: 'button', title: 'Close (Escape)', 'aria-label': 'Close the details' }, '×'),
    );
    header.querySelector('.fa-close')!.addEventListener('click', () => this.events.select(undefined));
    const first = run?.attempts[0];
    const took = run && run.attempt > 0 ? (status === 'running' ? now - (first?.start ?? now) : run.durationMs) : undefined;
    const facts = list([
      ['Class', task.className],
      ['Stage', task.stage > 0 ? String(task.stage) : 'never runs (in or behind a cycle)'],
      ['Attempt', run && run.attempt > 0 ? `${run.attempt}${task.retries ? ` of ${task.retries + 1}` : ''}` : undefined],
      ['Duration', took === undefined ? undefined : duration(took)],
      ['Timeout', task.timeoutMs === undefined ? undefined : duration(task.timeoutMs)],
      ['Worker', run?.worker],
      ['Reused from', run?.reused === undefined ? undefined : `run ${run.reused} (the task did not run again)`],
    ]);
    const dependents = model.tasks.filter((t) => t.dependencies.includes(task.id)).map((t) => t.id);
    const sections: Node[] = [header, this.links(model, task), facts];
    sections.push(section('Dependencies', task.dependencies.length ? this.chips(model, task.dependencies) : text('none')));
    sections.push(section('Dependents', dependents.length ? this.chips(model, dependents) : text('none')));
    sections.push(section('Input', this.input(model, task)));
    if (run?.status === 'succeeded') sections.push(section('Result', 'result' in run ? pre(jsonText(run.result)) : text('none (the task returned nothing)')));
    if (run?.error) sections.push(section('Error', errorBlock(run.error.message, run.error.stack)));
    if (run && run.attempts.length > 0)
      sections.push(section(`Attempts (${run.attempts.length})`, attemptsTable(run.attempts, model.run?.startedAt ?? 0, now)));
    if (run) sections.push(section(`Log (${run.logs.length + run.droppedLogs} lines)`, logBlock(run.logs, run.droppedLogs)));
    return sections;
  }

  private input(model: ViewModel, task: ViewTask): Node {
    if (task.dependencies.length === 0) return text('{} (no dependencies)');
    const input = taskInput(model, task.id);
    const parts = task.dependencies.map((dep) => {
      const run = taskRun(model, dep);
      const value = own(input, dep);
      const body = run?.status === 'succeeded' ? pre(jsonText(value)) : text(`no result (${STATUS_LABELS[run?.status ?? 'pending']})`);
      return h('details', { open: task.dependencies.length <= 5 }, h('summary', {}, dep), body);
    });
    return h('div', { class: 'fa-input' }, ...parts);
  }

  private links(model: ViewModel, task: ViewTask): Node {
    const links = h('div', { class: 'fa-links' });
    const runTask = this.events.runTask;
    if (runTask) {
      const run = button('Run Task', () => runTask(task.id));
      run.classList.add('fa-run-task');
      run.title = `Run just ${task.id}, with its dependencies' results from ${model.run?.finished ? 'this run' : 'the latest run that has them'}`;
      links.append(run);
    }
    const open = this.events.open;
    if (task.module) {
      const module = task.module;
      links.append(open ? button('Open module', () => open({ type: 'open-module', path: module })) : pathText('Module', module));
    }
    if (model.configFile) {
      const file = model.configFile;
      const at = task.configPosition;
      const where = at ? `${file}:${at.line + 1}:${at.character + 1}` : file;
      links.append(open ? button('Show in config', () => open({ type: 'open-config', file, position: at })) : pathText('Config', where));
    }
    return links;
  }

  private chips(model: ViewModel, ids: readonly string[]): Node {
    const shown = ids.slice(0, 200);
    const chips = h(
      'div',
      { class: 'fa-chips' },
      ...shown.map((id) => {
        const status = taskRun(model, id)?.status ?? 'pending';
        const chip = h('button', { type: 'button', class: 'fa-chip', 'data-outcome': status, title: `${id}: ${STATUS_LABELS[status]}` }, icon(status), id);
        chip.addEventListener('click', () => this.events.select(id));
        return chip;
      }),
    );
    if (ids.length > shown.length) chips.append(text(`… and ${ids.length - shown.length} more`));
    return chips;
  }

  private runSections(model: ViewModel, critical: readonly string[], now: number): Node[] {
    const run = model.run;
    const status = run?.status;
    const header = h('header', { class: 'fa-details-header', 'data-outcome': status }, h('h2', {}, model.job));
    if (status) header.append(h('span', { class: 'fa-status-text' }, status));
    const stages = model.tasks.reduce((m, t) => Math.max(m, t.stage), 0);
    const sections: Node[] = [
      header,
      list([
        ['Run', run?.runId ?? 'none: every task is pending'],
        ['Handler', model.handler],
        ['Tasks', `${model.tasks.length} in ${stages} stage${stages === 1 ? '' : 's'}`],
        ['Started', run ? new Date(run.startedAt).toLocaleString() : undefined],
        ['Duration', run ? duration(run.finished ? run.durationMs : Math.max(run.durationMs, now - run.startedAt)) : undefined],
        ['Config', model.configFile],
      ]),
    ];
    if (run) {
      const counts = new Map<TaskStatus, number>();
      for (const task of model.tasks) {
        const s = taskRun(model, task.id)?.status ?? 'pending';
        counts.set(s, (counts.get(s) ?? 0) + 1);
      }
      const chips = STATUSES.filter((s) => counts.get(s)).map((s) =>
        h('span', { class: 'fa-count', 'data-outcome': s }, icon(s), `${counts.get(s)} ${STATUS_LABELS[s]}`),
      );
      sections.push(h('div', { class: 'fa-counts' }, ...chips));
      if (run.error) sections.push(section('Error', errorBlock(run.error)));
      sections.push(
        section(
          'Output',
          run.output !== undefined ? pre(jsonText(run.output)) : text(run.finished ? 'none (the handler has no aggregate output)' : 'none yet'),
        ),
      );
    }
    const total = run ? critical.reduce((sum, id) => sum + (taskRun(model, id)?.durationMs ?? 0), 0) : critical.length;
    const title = run ? `Critical path (${critical.length} tasks, ${duration(total)})` : `Longest chain (${critical.length} tasks)`;
    sections.push(section(title, critical.length ? this.chips(model, critical) : text('none')));
    if (run) sections.push(section(`Handler log (${run.logs.length + run.droppedLogs} lines)`, logBlock(run.logs, run.droppedLogs)));
    sections.push(
      h(
        'p',
        { class: 'fa-hint' },
        'Select a task (click, or Enter on a focused one; arrows move along the graph) to see its input, result, error, attempts and log.',
      ),
    );
    return sections;
  }
}

function section(title: string, body: Node): HTMLElement {
  return h('section', {}, h('h3', {}, title), body);
}

function text(value: string): HTMLElement {
  return h('p', { class: 'fa-muted' }, value);
}

function pre(value: string): HTMLElement {
  return h('pre', { class: 'fa-json', tabindex: 0 }, value);
}

function list(rows: [string, string | undefined][]): HTMLElement {
  const dl = h('dl', { class: 'fa-facts' });
  for (const [term, value] of rows) if (value !== undefined && value !== '') dl.append(h('dt', {}, term), h('dd', {}, value));
  return dl;
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'fa-link' }, label);
  b.addEventListener('click', onClick);
  return b;
}

function pathText(label: string, path: string): HTMLElement {
  return h('div', { class: 'fa-path' }, `${label}: `, h('code', { title: path }, path));
}

function errorBlock(message: string, stack?: string): HTMLElement {
  // A stack starts with the message: show it once.
  const rest = stack && stack.startsWith(message) ? stack.slice(message.length).replace(/^\n/, '') : stack;
  return h('div', { class: 'fa-error' }, h('p', { class: 'fa-error-message' }, message), rest ? h('pre', { class: 'fa-stack', tabindex: 0 }, rest) : null);
}

function attemptsTable(attempts: readonly ViewAttempt[], runStart: number, now: number): HTMLElement {
  const rows = attempts.map((a) => {
    const end = a.end ?? now;
    const notes = [
      a.error?.message,
      a.retryDelayMs !== undefined ? `retried after ${duration(a.retryDelayMs)}` : undefined,
      a.worker ? `on ${a.worker}` : undefined,
    ].filter(Boolean);
    return h(
      'tr',
      { 'data-outcome': a.outcome },
      h('td', {}, String(a.attempt)),
      h('td', {}, `+${duration(Math.max(0, a.start - runStart))}`),
      h('td', {}, duration(Math.max(0, end - a.start))),
      h('td', {}, icon(a.outcome), OUTCOME_LABELS[a.outcome]),
      h('td', { class: 'fa-notes' }, notes.join(' · ')),
    );
  });
  return h(
    'table',
    { class: 'fa-attempts' },
    h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'Start'), h('th', {}, 'Took'), h('th', {}, 'Outcome'), h('th', {}, ''))),
    h('tbody', {}, ...rows),
  );
}

function logBlock(lines: readonly ViewLogLine[], dropped: number): HTMLElement {
  if (lines.length === 0 && dropped === 0) return text('no lines');
  const body = lines
    .map(
      (l) =>
        `${clock(l.time)} ${l.attempt !== undefined ? `#${l.attempt} ` : ''}${l.stream === 'stderr' ? '[stderr] ' : ''}${l.level ? `[${l.level}] ` : ''}${l.message}`,
    )
    .join('\n');
  return h(
    'div',
    {},
    dropped > 0 ? text(`The first ${dropped} lines are not shown (the last ${lines.length} are).`) : null,
    h('pre', { class: 'fa-log', tabindex: 0 }, body),
  );
}
