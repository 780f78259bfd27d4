// Readers that run inside the workbench page. They are plain JavaScript source, evaluated as strings:
// a function passed to page.evaluate would be transpiled by tsx first (which adds helpers such as
// `__name` that do not exist in the page), and tsconfig has no DOM types.
//
// Selectors are those of VS Code 1.100 (code-server 4.100.3). Lists and trees are virtualised: only
// the rows in view are in the DOM, so readers see what a user sees.

/** Call `source` (a function expression) in the page with a JSON argument. */
export function call(source: string, arg?: unknown): string {
  return `(${source})(${arg === undefined ? '' : JSON.stringify(arg)})`;
}

const visible = String.raw`(el) => !!el && el.offsetParent !== null`;

/** Rows of the `.monaco-list` under `root`, in list order. */
const rowsOf = String.raw`(root) => [...root.querySelectorAll('.monaco-list-row')]
  .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))`;

const text = String.raw`(el) => (el ? el.textContent : '').replace(/\u00a0/g, ' ')`;

export interface QuickPickItem {
  /** Row element id, to click it. */
  id: string;
  label: string;
  description: string;
  detail: string;
  ariaLabel: string;
}

/** The rows of the open quick input (command palette, quick pick); null when it is closed. */
export const readQuickPick = String.raw`() => {
  const visible = ${visible}, rowsOf = ${rowsOf}, text = ${text};
  const widget = document.querySelector('.quick-input-widget');
  if (!visible(widget)) return null;
  return rowsOf(widget.querySelector('.quick-input-list')).map((row) => ({
    id: row.id,
    label: text(row.querySelector('.label-name')),
    description: text(row.querySelector('.label-description')),
    detail: text(row.querySelector('.quick-input-list-label-meta .label-name')),
    ariaLabel: row.getAttribute('aria-label') || '',
  }));
}`;

export interface TreeItem {
  /** Row element id, to click it. */
  id: string;
  label: string;
  description: string;
  /** The row's accessible label: the tooltip when it is a plain string, else label and description. */
  ariaLabel: string;
  /** 1 for roots. */
  level: number;
  /** undefined for a leaf. */
  expanded: boolean | undefined;
  /** Codicon name of a ThemeIcon (`pass`, `error`, `loading`, ...), without `~spin`. */
  icon: string | undefined;
  /** Whether the icon spins (`loading~spin`). */
  spinning: boolean;
}

/** The rows of the tree view named `viewName`; null when no such view is visible. */
export const readTree = String.raw`(viewName) => {
  const visible = ${visible}, rowsOf = ${rowsOf}, text = ${text};
  const pane = [...document.querySelectorAll('.pane')].find(
    (p) => text(p.querySelector('.pane-header h3.title')).trim() === viewName && visible(p.querySelector('.pane-body')));
  if (!pane) return null;
  return rowsOf(pane.querySelector('.pane-body')).map((row) => {
    const icon = row.querySelector('.custom-view-tree-node-item-icon');
    const classes = icon ? [...icon.classList] : [];
    const codicon = classes.find((c) => c.startsWith('codicon-') && !c.startsWith('codicon-modifier-'));
    return {
      id: row.id,
      label: text(row.querySelector('.label-name')),
      description: text(row.querySelector('.label-description')),
      ariaLabel: row.getAttribute('aria-label') || '',
      level: Number(row.getAttribute('aria-level')),
      expanded: row.hasAttribute('aria-expanded') ? row.getAttribute('aria-expanded') === 'true' : undefined,
      icon: codicon ? codicon.slice('codicon-'.length) : undefined,
      spinning: classes.includes('codicon-modifier-spin'),
    };
  });
}`;

export interface Problem {
  /** Absolute path of the file, as the Problems panel shows it in its tooltip. */
  file: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  source: string;
  code: string;
  line: number;
  column: number;
}

/** The entries of the Problems panel; null when it is not visible. */
export const readProblems = String.raw`() => {
  const visible = ${visible}, rowsOf = ${rowsOf}, text = ${text};
  const panel = document.querySelector('.markers-panel');
  if (!visible(panel)) return null;
  const tree = panel.querySelector('.tree-container');
  if (!visible(tree)) return [];
  const problems = [];
  let file = '';
  for (const row of rowsOf(tree)) {
    if (row.getAttribute('aria-level') === '1') {
      const label = row.querySelector('.monaco-icon-label');
      file = (label && label.getAttribute('aria-label')) || text(row.querySelector('.label-name'));
      continue;
    }
    if (!row.querySelector('.marker-message-details-container')) continue; // related information
    const icon = row.querySelector('.marker-icon');
    const severity = ['error', 'warning', 'info'].find((s) => icon && icon.classList.contains(s)) || 'info';
    const at = /Ln (\d+), Col (\d+)/.exec(text(row.querySelector('.marker-line'))) || [];
    problems.push({
      file,
      severity,
      message: [...row.querySelectorAll('.marker-message')].map(text).join('\n'),
      source: text(row.querySelector('.marker-source')),
      code: text(row.querySelector('.marker-code')),
      line: Number(at[1] || 0),
      column: Number(at[2] || 0),
    });
  }
  return problems;
}`;

/** The visible lines of the Output view and the selected channel; null when it is not visible. */
export const readOutputView = String.raw`() => {
  const visible = ${visible}, text = ${text};
  const view = document.getElementById('workbench.panel.output');
  if (!visible(view)) return null;
  const select = document.querySelector('.panel .title-actions select.monaco-select-box');
  const channel = select && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : '';
  const lines = [...view.querySelectorAll('.view-lines .view-line')]
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map(text);
  return { channel, text: lines.join('\n') };
}`;

export interface Notification {
  message: string;
  source: string;
  buttons: string[];
  /** Id of the toast element, to find its buttons. */
  id: string;
}

/** The notification toasts on screen. */
export const readNotifications = String.raw`() => {
  const visible = ${visible}, text = ${text};
  return [...document.querySelectorAll('.notifications-toasts .notification-toast-container')]
    .filter(visible)
    .map((toast, i) => {
      if (!toast.id) toast.id = 'e2e-toast-' + Date.now() + '-' + i;
      return {
        id: toast.id,
        message: text(toast.querySelector('.notification-list-item-message')),
        source: text(toast.querySelector('.notification-list-item-source')),
        buttons: [...toast.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map(text),
      };
    });
}`;

export interface StatusBarItem {
  id: string;
  text: string;
  ariaLabel: string;
}

export const readStatusBar = String.raw`() => {
  const text = ${text};
  return [...document.querySelectorAll('.part.statusbar .statusbar-item')].map((item) => ({
    id: item.id,
    text: text(item).trim(),
    ariaLabel: item.getAttribute('aria-label') || '',
  }));
}`;

/** Whether the Workspace Trust status item says the window is in Restricted Mode. */
export const readRestricted = String.raw`() => {
  const item = document.getElementById('status.workspaceTrust');
  return !!item && /Restricted Mode/.test(item.textContent);
}`;

export interface DebugFrameLine {
  /** The editor's file, as its tab says (`task2.ts`). */
  tab: string;
  /** The 1-based line the top stack frame's decoration is on, as the editor numbers it. */
  line: number;
  /** The text of the editor's first line (when in view): tells a file's source from a copy of compiled code. */
  firstLine: string;
}

/**
 * Where the debugger is paused, as the editors show it: each visible editor with the top stack frame's
 * whole-line decoration (`debug-top-stack-frame-line`), with the number of the line it is drawn on.
 */
export const readDebugFrameLines = String.raw`() => {
  const visible = ${visible}, text = ${text};
  const lines = [];
  for (const group of document.querySelectorAll('.part.editor .editor-group-container')) {
    const editor = group.querySelector('.monaco-editor');
    if (!visible(editor)) continue;
    const frame = editor.querySelector('.view-overlays .debug-top-stack-frame-line');
    if (!frame) continue;
    const top = frame.parentElement.style.top;
    const margins = [...editor.querySelectorAll('.margin-view-overlays > div')];
    const margin = margins.find((d) => d.style.top === top);
    const first = margins.find((d) => text(d.querySelector('.line-numbers')).trim() === '1');
    const firstLine = first && [...editor.querySelectorAll('.view-lines > .view-line')].find((l) => l.style.top === first.style.top);
    lines.push({
      tab: text(group.querySelector('.tab.active .label-name')),
      line: Number(text(margin && margin.querySelector('.line-numbers')).trim()),
      firstLine: text(firstLine),
    });
  }
  return lines;
}`;
