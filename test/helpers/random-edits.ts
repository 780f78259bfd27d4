import type { TextChange } from '../../engine/config/text';

/** Random edits of job configs, for checking an analysis made from the previous one against a whole one. */

/** A deterministic stream of numbers in [0, 1). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Two jobs of 40 tasks each (`T0`..., `S0`...; classes `Work0` to `Work4`), pretty-printed with params,
 * and a job whose tasks are not a list.
 */
export function editableConfig(tasks = 40): string {
  const job = (name: string, prefix: string) => {
    const entries = Array.from({ length: tasks }, (_, i) => {
      const deps = [i - 1, i - 3].filter((d) => d >= 0).map((d) => `"${prefix}${d}"`);
      return `        {\n          "name": "${prefix}${i}",\n          "task": "Work${i % 5}",\n          "dependencies": [${deps.join(', ')}],\n          "params": { "n": ${i}, "tags": ["a", { "b": null }] }\n        }`;
    });
    return `    {\n      "name": "${name}",\n      "handler": "GenericJobHandler",\n      "tasks": [\n${entries.join(',\n')}\n      ]\n    }`;
  };
  return `{\n  "jobs": [\n${job('first', 'T')},\n${job('second', 'S')},\n    { "name": "odd", "tasks": "none" }\n  ]\n}\n`;
}

/** Replacements of names, dependencies and classes (keeping the JSON valid), and snippets that break it or not. */
const NAMES = ['T0', 'T1', 'T5', 'T39', 'T40', 'S2', 'X', 'T7', ''];
const INSERTS = [', "timeout": -1', ', "retries": "x"', ', "name": "T3"', ', "dependecies": []', '"T2", ', ' ', '\n', '}', '{', ',', '"', 'x', '1', '[', ']'];

export interface Step {
  text: string;
  change: TextChange;
  /** What replaced the change's old characters. */
  insert: string;
}

/** One random edit of `text`: a string's content replaced, a snippet inserted, or a few characters deleted. */
export function randomEdit(text: string, next: () => number): Step {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const roll = next();
  if (roll < 0.45) {
    // A string's content: names, dependencies and classes.
    const strings = [...text.matchAll(/"([A-Za-z]+[0-9]*)"/g)];
    if (strings.length > 0) {
      const m = pick(strings);
      const start = m.index + 1;
      const old = m[1];
      const replacement = old.startsWith('Work') ? pick(['Work1', 'Work4', 'Missing', 'Work0']) : pick(NAMES);
      return replace(text, start, start + old.length, replacement);
    }
  }
  const at = Math.floor(next() * text.length);
  if (roll < 0.8) {
    // After a property, mostly, so that the insert is valid JSON inside a task.
    const comma = text.indexOf('",', at);
    const where = roll < 0.7 && comma !== -1 ? comma + 1 : at;
    return replace(text, where, where, pick(INSERTS));
  }
  return replace(text, at, Math.min(text.length, at + 1 + Math.floor(next() * 8)), '');
}

export function replace(text: string, start: number, end: number, insert: string): Step {
  return { text: text.slice(0, start) + insert + text.slice(end), change: { start, oldEnd: end, newEnd: start + insert.length }, insert };
}
