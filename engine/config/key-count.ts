import { skipString } from './json-scan';

/*
 * The common case of the structure check, without the full scan. `JSON.parse` keeps one property per
 * distinct key of an object, so a valid JSON text has a duplicate key exactly when it holds more keys
 * than its value has properties. Keys are bounded by the colons (`countColons`), and counted with a walk
 * from string to string (`indexOf`, no step per character) only when that bound says nothing; properties
 * are counted with a walk over the parsed value, which also measures the nesting. The full scan
 * (`scanStructure`) then runs only for a text that has a duplicate key or nests too deep, to say where.
 */

const COLON = 0x3a;

/**
 * Whether `text`, which `JSON.parse` turned into `value`, has no duplicate key and no container nested
 * deeper than `maxDepth`. `false` says only that the full scan must look.
 */
export function hasPlainStructure(text: string, value: unknown, maxDepth: number): boolean {
  if (inheritsEnumerables()) return false;
  const properties = countProperties(value, maxDepth);
  return properties !== -1 && (properties === countColons(text) || properties === countKeys(text));
}

/**
 * The colons in `text`: its keys, plus the colons inside its strings. As there are never fewer keys than
 * properties, as many colons as properties means as many keys, and so no duplicate; a config with no
 * colon in its strings (the usual case) is then checked with `indexOf` alone, about a sixth of the cost
 * of `countKeys`, which must step from string to string. Any other count says nothing: `countKeys` decides.
 */
function countColons(text: string): number {
  let colons = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) colons++;
  return colons;
}

/** The keys in a valid JSON text: the strings followed by a colon. */
function countKeys(text: string): number {
  let keys = 0;
  for (let i = text.indexOf('"'); i !== -1;) {
    let j = skipString(text, i);
    let c = text.charCodeAt(j);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++j);
    if (c === COLON) keys++;
    i = text.indexOf('"', j);
  }
  return keys;
}

/** The own properties of every object in a parsed JSON value, or -1 when it nests deeper than `maxDepth`. */
function countProperties(value: unknown, maxDepth: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  let properties = 0;
  // Iterative, on a stack of its own: the value may nest as deep as the text does. An object's children go
  // on the stack all at once; an array stays on it with the position of its next item (`next`), so that
  // the 100,000 tasks of a job are never on the stack together: growing it to hold them was the walk's
  // garbage (half a megabyte a run at 10,000 tasks). It is walked with `top`: `pop` gives room back.
  const containers: object[] = [value];
  const depths: number[] = [1];
  const next: number[] = [0];
  let top = 1;
  while (top > 0) {
    const container = containers[top - 1];
    const depth = depths[top - 1];
    if (depth > maxDepth) return -1;
    if (Array.isArray(container)) {
      let k = next[top - 1];
      while (k < container.length && !isContainer(container[k])) k++;
      if (k >= container.length) {
        top--;
        continue;
      }
      next[top - 1] = k + 1;
      containers[top] = container[k] as object;
      depths[top] = depth + 1;
      next[top++] = 0;
      continue;
    }
    top--;
    // `for…in` makes no array of keys; only own properties are seen (see `inheritsEnumerables`).
    for (const key in container) {
      properties++;
      const item = (container as Record<string, unknown>)[key];
      if (isContainer(item)) {
        containers[top] = item;
        depths[top] = depth + 1;
        next[top++] = 0;
      }
    }
  }
  return properties;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Whether `Object.prototype` has been given enumerable properties, which `for…in` would count. */
function inheritsEnumerables(): boolean {
  for (const key in {}) return key !== undefined;
  return false;
}
