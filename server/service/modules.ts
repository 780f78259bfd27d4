import * as path from 'node:path';
import { planJob, type JobPlan } from '../../engine/analysis/plan';
import { classOffset, dominantExtension, handlerExtension, resolveModule, taskModuleName } from '../../engine/config/modules';
import { BUILTIN_HANDLER, type JobModel } from '../../engine/config/types';
import type { ParsedDocument } from './document';
import type { JobEntry } from './outline';

/** Where a class was looked for: the module file if there is one, and the class' offset in it. */
export interface ClassLocation {
  file?: string;
  /** The file that would declare it, when there is none. */
  expected?: string;
  /** Offset of `class <Name>` in `file`, when declared. */
  offset?: number;
  text?: string;
}

/** The module of a task class in the task folder, as the engine resolves it. */
export function findTaskClass(doc: ParsedDocument, className: string): ClassLocation {
  const { taskDir } = doc.layout();
  return findClass(doc, taskDir, [taskModuleName(className)], className, dominantExtension(doc.files, taskDir));
}

/** The module of a handler (`module.Class`); `undefined` for the built-in handler. */
export function findHandlerClass(doc: ParsedDocument, handler: string): ClassLocation | undefined {
  if (handler === BUILTIN_HANDLER || !handler.includes('.')) return undefined;
  const segments = handler.split('.');
  const className = segments.pop()!;
  const { taskDir, handlerDir } = doc.layout();
  return findClass(doc, handlerDir, segments, className, handlerExtension(dominantExtension(doc.files, taskDir)));
}

function findClass(doc: ParsedDocument, dir: string, segments: string[], className: string, ext: string): ClassLocation {
  const found = resolveModule(dir, segments, doc.files, ext);
  if (found.kind === 'missing') return { expected: found.expected };
  if (found.kind !== 'found') return {};
  const text = doc.files.readFile(found.file);
  return { file: found.file, text, offset: text === undefined ? undefined : declarationOffset(text, className, found.file) };
}

/**
 * The offset of `class <Name>` where the module declares it: the first one outside a line comment (`#`
 * in Python, `//` otherwise), else the first of all (what the analysis counts as declaring the class).
 */
export function declarationOffset(text: string, className: string, file: string): number | undefined {
  const first = classOffset(text, className);
  const comment = file.endsWith('.py') ? '#' : '//';
  for (let at = first; at !== undefined;) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    if (!text.slice(lineStart, at).includes(comment)) return at;
    const next = classOffset(text.slice(at + 1), className);
    at = next === undefined ? undefined : at + 1 + next;
  }
  return first;
}

/** A path as the user sees it: relative to the project root. */
export function shown(doc: ParsedDocument, file: string): string {
  return path.relative(doc.layout().root, file) || file;
}

/** The engine's model of an outline job, enough for `planJob` (works on text that does not parse). */
export function jobModelOf(job: JobEntry): JobModel {
  const handler = job.handler?.value ?? '';
  return {
    name: job.name?.value ?? '',
    handler,
    handlerClass: handler.slice(handler.lastIndexOf('.') + 1),
    onFailure: 'continue',
    index: job.index,
    tasks: job.tasks.flatMap((t) =>
      t.name
        ? [
            {
              id: t.name.value,
              className: t.task?.value ?? t.name.value,
              dependencies: t.dependencies.map((d) => d.value),
              params: {},
              retries: 0,
              retryDelay: 0,
              index: t.index,
            },
          ]
        : [],
    ),
  };
}

const plans = new WeakMap<JobEntry, JobPlan>();

/** The job's stages (computed once per outline, that is per document version). */
export function planOf(job: JobEntry): JobPlan {
  let plan = plans.get(job);
  if (!plan) plans.set(job, (plan = planJob(jobModelOf(job))));
  return plan;
}
