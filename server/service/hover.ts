import { findNodeAtOffset, getNodePath } from 'jsonc-parser';
import { type Hover, MarkupKind, type Position } from 'vscode-languageserver-types';
import { classDoc } from './class-doc';
import type { ParsedDocument } from './document';
import { dependentsOf, type Target, targetAt, taskNamed } from './locate';
import { type ClassLocation, findHandlerClass, findTaskClass, planOf, shown } from './modules';
import { type JobEntry, nodeSpan, type Span, type TaskEntry } from './outline';
import { schemaAt } from './schema-nav';

/** Hover: a task's module, class, dependencies, dependents and stage; a handler's module; a key's description. */
export function doHover(doc: ParsedDocument, position: Position): Hover | null {
  const offset = doc.lines.offset(position);
  const target = targetAt(doc.outline(), offset);
  const text = target ? describe(doc, target) : undefined;
  if (target && text) return hover(doc, text, target.at.span);
  return keyHover(doc, offset);
}

function hover(doc: ParsedDocument, value: string, span: Span): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range: doc.range(span) };
}

function describe(doc: ParsedDocument, target: Target): string | undefined {
  switch (target.kind) {
    case 'task':
      return describeTask(doc, target.job, target.task);
    case 'dependency': {
      const task = taskNamed(target.job, target.at.value);
      return task && describeTask(doc, target.job, task);
    }
    case 'class':
      return `Task class \`${target.at.value}\`\n\n${where(doc, target.at.value, findTaskClass(doc, target.at.value))}`;
    case 'handler': {
      const found = findHandlerClass(doc, target.at.value);
      const className = target.at.value.slice(target.at.value.lastIndexOf('.') + 1);
      return found ? `Handler \`${target.at.value}\`\n\n${where(doc, className, found)}` : 'The built-in handler: runs the tasks, nothing more.';
    }
    case 'job': {
      const plan = planOf(target.job);
      return `Job **${target.at.value}**: ${target.job.tasks.length} tasks in ${plan.stages.length} stages, handler \`${target.job.handler?.value ?? '?'}\``;
    }
  }
}

function describeTask(doc: ParsedDocument, job: JobEntry, task: TaskEntry): string | undefined {
  const id = task.name?.value;
  if (id === undefined) return undefined;
  const className = task.task?.value ?? id;
  const plan = planOf(job);
  const stage = plan.stageOf[id];
  const list = (ids: string[]) => (ids.length > 0 ? ids.map((d) => `\`${d}\``).join(', ') : '—');
  return [
    `**${id}** · task of job \`${job.name?.value ?? '?'}\` · ${stage ? `stage ${stage} of ${plan.stages.length}` : 'never runs (in or behind a dependency cycle)'}`,
    '',
    where(doc, className, findTaskClass(doc, className)),
    '',
    `Depends on: ${list(task.dependencies.map((d) => d.value))}  `,
    `Needed by: ${list(dependentsOf(job, id).flatMap((t) => (t.name ? [t.name.value] : [])))}`,
  ].join('\n');
}

/** Where the class is (with its docstring or JSDoc comment), or why it is not there. */
function where(doc: ParsedDocument, className: string, found: ClassLocation): string {
  if (found.file && found.offset !== undefined) {
    const docs = found.text === undefined ? undefined : classDoc(found.text, found.offset, found.file);
    return `Class \`${className}\` in \`${shown(doc, found.file)}\`${docs ? `\n\n${docs}` : ''}`;
  }
  if (found.file) return `\`${shown(doc, found.file)}\` declares no class \`${className}\``;
  return found.expected ? `No module yet: expected \`${shown(doc, found.expected)}\`` : `Class \`${className}\``;
}

/** The schema's description of the property whose key is under the cursor. */
function keyHover(doc: ParsedDocument, offset: number): Hover | null {
  const root = doc.tree();
  const node = root && findNodeAtOffset(root, offset);
  const property = node?.parent;
  if (!node || node.type !== 'string' || property?.type !== 'property' || property.children?.[0] !== node) return null;
  const description = schemaAt([...getNodePath(property), String(node.value)])?.description;
  return description ? hover(doc, description, nodeSpan(node)) : null;
}
