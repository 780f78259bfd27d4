import * as path from 'node:path';
import { getLocation, type Node } from 'jsonc-parser';
import { type CompletionItem, CompletionItemKind, type CompletionList, type Position, TextEdit } from 'vscode-languageserver-types';
import { BUILTIN_HANDLER } from '../../engine/config/types';
import { keyCompletions } from './completion-keys';
import type { ParsedDocument } from './document';
import { jobAt } from './locate';
import { handlerClasses, taskClasses } from './module-classes';
import type { JobEntry, Span } from './outline';
import { schemaAt } from './schema-nav';

export interface CompletionOptions {
  /** Whether the client accepts snippets (`$1`) in insert texts. */
  snippets: boolean;
}

const EMPTY: CompletionList = { isIncomplete: false, items: [] };

/**
 * Completion in a config: task ids in `dependencies`, `module.Class` for `handler`, task classes for
 * `name` and `task`, property keys and enum values from the schema. Works on text that does not parse.
 */
export function doComplete(doc: ParsedDocument, position: Position, options: CompletionOptions = { snippets: true }): CompletionList {
  if (!doc.treeSafe()) return EMPTY;
  const offset = doc.lines.offset(position);
  const location = getLocation(doc.text, offset);
  const replace = replaceSpan(doc.text, offset, location.previousNode);
  const edit = (text: string) => TextEdit.replace(doc.range(replace), text);
  if (location.isAtPropertyKey) {
    return { isIncomplete: false, items: keyCompletions(doc, location.path, replace, options.snippets) };
  }
  const p = location.path;
  const current = location.previousNode?.type === 'string' ? String(location.previousNode.value) : undefined;
  const item = (label: string, kind: CompletionItemKind, extra: Partial<CompletionItem> = {}): CompletionItem => ({
    label,
    kind,
    textEdit: edit(JSON.stringify(label)),
    filterText: JSON.stringify(label),
    ...extra,
  });
  const job = jobAt(doc.outline(), offset);
  let items: CompletionItem[] = [];
  if (p.length === 6 && p[0] === 'jobs' && p[2] === 'tasks' && p[4] === 'dependencies' && job) {
    items = dependencyChoices(job, offset, current).map(({ id, cycle }, i) =>
      item(id, CompletionItemKind.Reference, {
        sortText: String(i).padStart(6, '0'),
        detail: cycle ? `closes a cycle: ${cycle}` : 'task of this job',
      }),
    );
  } else if (p.length === 3 && p[0] === 'jobs' && p[2] === 'handler') {
    const layout = doc.layout();
    items = handlerClasses(doc.files, layout.handlerDir).map((c) =>
      item(`${c.module}.${c.className}`, CompletionItemKind.Class, { detail: path.relative(layout.root, c.file) }),
    );
    items.push(item(BUILTIN_HANDLER, CompletionItemKind.Class, { detail: 'the built-in handler' }));
  } else if (p.length === 5 && p[0] === 'jobs' && p[2] === 'tasks' && (p[4] === 'name' || p[4] === 'task')) {
    const layout = doc.layout();
    const taken = new Set(p[4] === 'name' && job ? job.tasks.map((t) => t.name?.value).filter((n) => n !== current) : []);
    items = taskClasses(doc.files, layout.taskDir)
      .filter((c) => !taken.has(c.className))
      .map((c) => item(c.className, CompletionItemKind.Class, { detail: path.relative(layout.root, c.file) }));
  } else {
    const schema = schemaAt(p);
    items = (schema?.enum ?? []).map((value, i) => item(String(value), CompletionItemKind.EnumMember, { documentation: schema?.enumDescriptions?.[i] }));
  }
  return { isIncomplete: false, items };
}

/**
 * The job's task ids a task may still depend on: not itself, not those it already lists. Those that
 * depend on it already, directly or not, come last with the cycle they would close.
 */
function dependencyChoices(job: JobEntry, offset: number, current: string | undefined): { id: string; cycle?: string }[] {
  const task = job.tasks.find((t) => t.span.start <= offset && offset < t.span.end);
  const self = task?.name?.value;
  const listed = new Set(task?.dependencies.map((d) => d.value));
  if (current !== undefined) listed.delete(current);
  const ids = new Set<string>();
  for (const t of job.tasks) {
    const id = t.name?.value;
    if (id !== undefined && t !== task && id !== self && !listed.has(id)) ids.add(id);
  }
  const toSelf = self === undefined ? new Map<string, string>() : pathsTo(job, self);
  const choices = [...ids].map((id) => ({ id, cycle: toSelf.has(id) ? cycleThrough(self!, id, toSelf) : undefined }));
  return [...choices.filter((c) => !c.cycle), ...choices.filter((c) => c.cycle)];
}

/**
 * The tasks that depend on `id`, directly or not, each with its next step towards it: one walk up the
 * dependents (each entry of every task's dependencies looked at once), however big the job.
 */
function pathsTo(job: JobEntry, id: string): Map<string, string> {
  const dependents = new Map<string, string[]>();
  for (const t of job.tasks) {
    const name = t.name?.value;
    if (name === undefined) continue;
    for (const d of t.dependencies) {
      const list = dependents.get(d.value);
      if (list) list.push(name);
      else dependents.set(d.value, [name]);
    }
  }
  const next = new Map<string, string>();
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    for (const dependent of dependents.get(queue[i]) ?? []) {
      if (dependent === id || next.has(dependent)) continue;
      next.set(dependent, queue[i]);
      queue.push(dependent);
    }
  }
  return next;
}

/** Past this many tasks a cycle is shown with `…` before its last step (each item costs no more). */
const MAX_CYCLE_SHOWN = 6;

/** `self → id → … → self`: the cycle that `self` depending on `id` would close. */
function cycleThrough(self: string, id: string, next: ReadonlyMap<string, string>): string {
  const cycle = [self, id];
  let at = id;
  while (at !== self && cycle.length < MAX_CYCLE_SHOWN) cycle.push((at = next.get(at)!));
  return at === self ? cycle.join(' → ') : `${cycle.join(' → ')} → … → ${self}`;
}

/** What a completion replaces: the string under the cursor (up to the cursor when unterminated), else nothing. */
function replaceSpan(text: string, offset: number, node: Node | undefined): Span {
  if (!node || (node.type !== 'string' && node.type !== 'property') || offset < node.offset || offset > node.offset + node.length) {
    return { start: offset, end: offset };
  }
  const end = node.offset + node.length;
  const terminated = node.length >= 2 && text.charCodeAt(end - 1) === 0x22;
  return { start: node.offset, end: terminated ? end : offset };
}
