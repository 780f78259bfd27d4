import { skipString } from './json-scan';

/*
 * The common case of the structure check, without the full scan. `JSON.parse` keeps one property per
 * distinct key of an object, so a valid JSON text has a duplicate key exactly when it holds more keys
 * than its value has properties. Keys are counted with a walk from string to string (`indexOf`, no step
 * per character) and properties with a walk over the parsed value, which also measures the nesting: on a
 * config of 100,000 tasks both together cost about a third of the full scan (`scanStructure`), which
 * then runs only for a text that has a duplicate key or nests too deep, to say where.
 */

const COLON = 0x3a;

/**
 * Whether `text`, which `JSON.parse` turned into `value`, has no duplicate key and no container nested
 * deeper than `maxDepth`. `false` says only that the full scan must look.
 */
export function hasPlainStructure(text: string, value: unknown, maxDepth: number): boolean {
  if (inheritsEnumerables()) return false;
  const properties = countProperties(value, maxDepth);
  return properties !== -1 && properties === countKeys(text);
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
  // Iterative, depth by depth in parallel stacks: the value may nest as deep as the text does.
  const containers: object[] = [value];
  const depths: number[] = [1];
  while (containers.length > 0) {
    const container = containers.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return -1;
    if (Array.isArray(container)) {
      for (const item of container as unknown[]) {
        if (typeof item === 'object' && item !== null) {
          containers.push(item);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    // `for…in` makes no array of keys; only own properties are seen (see `inheritsEnumerables`).
    for (const key in container) {
      properties++;
      const item = (container as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) {
        containers.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return properties;
}

/** Whether `Object.prototype` has been given enumerable properties, which `for…in` would count. */
function inheritsEnumerables(): boolean {
  for (const key in {}) return key !== undefined;
  return false;
}
