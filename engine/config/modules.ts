import * as path from 'node:path';
import type { ProjectFiles } from '../files';

/** Module extensions, in the order they are looked for. `.py` modules are the seed's Python tasks. */
export const MODULE_EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs', '.py'] as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ModuleResolution =
  | { kind: 'found'; file: string }
  /** `expected` is the file that would fix it; `caseMismatch` an existing file whose name differs only in case. */
  | { kind: 'missing'; expected: string; caseMismatch?: string }
  | { kind: 'invalid'; reason: string };

/** The module file name of a task class: `Task1` lives in `task1.<ext>`. */
export function taskModuleName(className: string): string {
  return className.toLowerCase();
}

/**
 * Finds the module `segments` (folders, then the file name without extension) under `dir`. Only plain
 * identifiers are accepted and the result must stay inside `dir`, whatever the input: this is the one
 * place module paths are made, and the engine loads nothing it did not return.
 */
export function resolveModule(dir: string, segments: readonly string[], files: ProjectFiles, preferredExt = '.ts'): ModuleResolution {
  if (segments.length === 0 || !segments.every((s) => IDENTIFIER.test(s))) {
    return { kind: 'invalid', reason: `"${segments.join('.')}" is not a module name made of identifiers` };
  }
  const folder = path.join(dir, ...segments.slice(0, -1));
  const base = segments[segments.length - 1];
  const relative = path.relative(dir, path.join(folder, base));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    return { kind: 'invalid', reason: `"${segments.join('.')}" points outside ${dir}` };
  }
  const entries = files.readDir(folder) ?? [];
  const names = new Set(entries);
  for (const ext of MODULE_EXTENSIONS) {
    if (names.has(base + ext)) return { kind: 'found', file: path.join(folder, base + ext) };
  }
  const lower = base.toLowerCase();
  const caseMismatch = entries.find((e) => {
    const dot = e.lastIndexOf('.');
    return dot > 0 && e.slice(0, dot).toLowerCase() === lower && (MODULE_EXTENSIONS as readonly string[]).includes(e.slice(dot));
  });
  return { kind: 'missing', expected: path.join(folder, base + preferredExt), caseMismatch: caseMismatch && path.join(folder, caseMismatch) };
}

/** Whether a module's text declares `class <name>` (TypeScript, JavaScript or Python). */
export function declaresClass(text: string, className: string): boolean {
  return new RegExp(`(?:^|[^A-Za-z0-9_$.])class\\s+${escape(className)}(?![A-Za-z0-9_$])`, 'm').test(text);
}

/** The 0-based offset of `class <name>` in a module's text, for go-to-definition. */
export function classOffset(text: string, className: string): number | undefined {
  const match = new RegExp(`(?:^|[^A-Za-z0-9_$.])(class\\s+${escape(className)})(?![A-Za-z0-9_$])`, 'm').exec(text);
  return match ? match.index + match[0].length - match[1].length : undefined;
}

/** The extension most of the task folder's modules have (`.py` for a seed project), for new modules. */
export function dominantExtension(files: ProjectFiles, dir: string): string {
  const counts = new Map<string, number>();
  for (const entry of files.readDir(dir) ?? []) {
    const ext = MODULE_EXTENSIONS.find((e) => entry.endsWith(e) && entry !== `base_task${e}` && !entry.startsWith('__'));
    if (ext) counts.set(ext, (counts.get(ext) ?? 0) + 1);
  }
  let best = '.ts';
  let bestCount = 0;
  for (const [ext, count] of counts) if (count > bestCount) [best, bestCount] = [ext, count];
  return best;
}

function escape(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '\\$&');
}
