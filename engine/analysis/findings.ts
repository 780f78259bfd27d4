import { type JsonPath, locateAll, type NodeSpan } from '../config/json-scan';
import { LineIndex } from '../config/text';
import type { Problem, ProblemCode, ProblemData, Range, Severity } from '../config/types';

/**
 * Where a finding sits, before it has a range. Checks name places by JSON path; ranges are computed
 * once, for everything reported, in a single pass over the text (`locateAll`).
 * - `value`: the value at the path; `key`: its property key;
 * - `node`: the value when it is a string, number or literal, else its key or, for an array element,
 *   its opening bracket (so a whole object is never underlined);
 * - `inner`: the characters [from, to) of the string's content (falls back to the value when the string
 *   holds escapes, since content and text offsets then differ).
 */
export type Target = { offset: number; length: number } | PathTarget;

export type PathTarget = { path: JsonPath; part: 'value' | 'key' | 'node' } | { path: JsonPath; part: 'inner'; from: number; to: number };

export interface Finding {
  code: ProblemCode;
  severity: Severity;
  message: string;
  at: Target;
  related?: { message: string; at: Target }[];
  data?: ProblemData;
}

/** `target.push(...items)` without spreading: a spread of 300,000 findings overflows the stack. */
export function pushAll<T>(target: T[], ...lists: readonly T[][]): void {
  for (const list of lists) for (const item of list) target.push(item);
}

/** The spans of the nodes at `paths` in the text being analysed (`locateAll` over it, or a quicker way to the same spans). */
export type Locate = (paths: readonly JsonPath[]) => (NodeSpan | undefined)[];

export function resolveFindings(text: string, lines: LineIndex, findings: readonly Finding[], locate: Locate = (paths) => locateAll(text, paths)): Problem[] {
  const paths: JsonPath[] = [];
  const slot = new Map<Target, number>();
  const want = (t: Target) => {
    if ('path' in t && !slot.has(t)) {
      slot.set(t, paths.length);
      paths.push(t.path);
    }
  };
  for (const f of findings) {
    want(f.at);
    f.related?.forEach((r) => want(r.at));
  }
  const spans = paths.length > 0 ? locate(paths) : [];
  const rangeOf = (t: Target): Range => {
    if (!('path' in t)) return lines.range(t.offset, t.offset + t.length);
    const span = spans[slot.get(t)!];
    if (!span) return lines.range(0, 0);
    const [start, end] = spanOf(text, t, span);
    return lines.range(start, end);
  };
  return findings.map((f) => {
    const problem: Problem = { code: f.code, severity: f.severity, message: f.message, range: rangeOf(f.at) };
    if (f.related?.length) problem.related = f.related.map((r) => ({ message: r.message, range: rangeOf(r.at) }));
    if (f.data) problem.data = f.data;
    return problem;
  });
}

function spanOf(text: string, t: PathTarget, span: NodeSpan): [number, number] {
  const value: [number, number] = [span.valueStart, span.valueEnd];
  const key: [number, number] | undefined = span.keyStart !== undefined ? [span.keyStart, span.keyEnd!] : undefined;
  switch (t.part) {
    case 'value':
      return value;
    case 'key':
      return key ?? value;
    case 'node':
      if (span.kind === 'string' || span.kind === 'literal') return value;
      return key ?? [span.valueStart, span.valueStart + 1];
    case 'inner': {
      const raw = text.slice(span.valueStart + 1, span.valueEnd - 1);
      if (span.kind !== 'string' || raw.includes('\\')) return value;
      return [span.valueStart + 1 + t.from, span.valueStart + 1 + t.to];
    }
  }
}
