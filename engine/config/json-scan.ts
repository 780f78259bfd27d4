/**
 * Hand-written scanners over JSON text, and the helpers every such scanner uses (the language server's
 * outline is built with them too). They are iterative (no recursion over the text's nesting), so 100,000
 * nested brackets cost a linear pass and never the stack. `JSON.parse` builds values; these only find
 * places: the spans of the few nodes that problems are reported on, duplicate keys, and nesting deeper
 * than a limit.
 */

export type JsonPath = readonly (string | number)[];

export type ValueKind = 'object' | 'array' | 'string' | 'literal';

/** Where a node stands in the text (offsets in UTF-16 code units, ends exclusive). */
export interface NodeSpan {
  valueStart: number;
  valueEnd: number;
  kind: ValueKind;
  /** The property key, quotes included, when the node is the value of a property. */
  keyStart?: number;
  keyEnd?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

/** The offset of the first character at or after `i` that is not whitespace (or the text's end). */
export function skipWhitespace(text: string, i: number): number {
  // Past the end `charCodeAt` is NaN, which is not whitespace.
  while (isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** `i` is at an opening quote; returns the offset just past the closing one (or the text's end). */
export function skipString(text: string, i: number): number {
  let j = i;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j === -1) return text.length;
    let backslashes = 0;
    for (let k = j - 1; k > i && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return j + 1;
  }
}

/** The content of the string at [start, end) (its quotes included in the range), escapes decoded. */
export function readString(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** `i` is at the start of a value; returns the offset just past it. */
export function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (d === QUOTE) {
        j = skipString(text, j);
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return text.length;
  }
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isWhitespace(d)) break;
    j++;
  }
  return j;
}

/** What kind of value starts at `i`. */
export function kindAt(text: string, i: number): ValueKind {
  const c = text.charCodeAt(i);
  return c === OPEN_BRACE ? 'object' : c === OPEN_BRACKET ? 'array' : c === QUOTE ? 'string' : 'literal';
}

interface TrieNode {
  children?: Map<string | number, TrieNode>;
  /** Indexes into the caller's list of paths that end at this node. */
  ends?: number[];
}

/**
 * Finds the spans of many nodes of a valid JSON text in one pass, descending only into the containers
 * on the requested paths and skipping everything else. With duplicate keys the last one wins, as in
 * `JSON.parse`.
 */
export function locateAll(text: string, paths: readonly JsonPath[]): (NodeSpan | undefined)[] {
  const root: TrieNode = {};
  paths.forEach((path, index) => {
    let node = root;
    for (const segment of path) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = {}));
      node = child;
    }
    (node.ends ??= []).push(index);
  });
  const found = new Array<NodeSpan | undefined>(paths.length).fill(undefined);
  const start = skipWhitespace(text, 0);
  if (start < text.length) visit(text, start, root, found, undefined, undefined);
  return found;
}

function visit(text: string, start: number, node: TrieNode, found: (NodeSpan | undefined)[], keyStart: number | undefined, keyEnd: number | undefined): number {
  const kind = kindAt(text, start);
  let end: number;
  if (node.children && (kind === 'object' || kind === 'array')) {
    end = visitChildren(text, start, kind, node.children, found);
  } else {
    end = skipValue(text, start);
  }
  if (node.ends) {
    for (const index of node.ends) found[index] = { valueStart: start, valueEnd: end, kind, keyStart, keyEnd };
  }
  return end;
}

function visitChildren(
  text: string,
  start: number,
  kind: 'object' | 'array',
  children: Map<string | number, TrieNode>,
  found: (NodeSpan | undefined)[],
): number {
  if (kind === 'object') {
    return forEachMember(text, start, (key, at, keyStart, keyEnd) => {
      const child = children.get(key);
      return child ? visit(text, at, child, found, keyStart, keyEnd) : skipValue(text, at);
    });
  }
  return forEachElement(text, start, (index, at) => {
    const child = children.get(index);
    return child ? visit(text, at, child, found, undefined, undefined) : skipValue(text, at);
  });
}

/**
 * Calls `visit(key, valueStart, keyStart, keyEnd)` for each member of the object whose `{` is at `open`;
 * `visit` returns the offset just past the value. Returns the offset just past the `}`.
 */
export function forEachMember(text: string, open: number, visit: (key: string, at: number, keyStart: number, keyEnd: number) => number): number {
  let i = skipWhitespace(text, open + 1);
  while (i < text.length && text.charCodeAt(i) === QUOTE) {
    const keyStart = i;
    const keyEnd = skipString(text, i);
    i = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(i) === COLON) i = skipWhitespace(text, i + 1);
    i = skipWhitespace(text, visit(readString(text, keyStart, keyEnd), i, keyStart, keyEnd));
    if (text.charCodeAt(i) === COMMA) i = skipWhitespace(text, i + 1);
  }
  return Math.min(i + 1, text.length);
}

/**
 * Calls `visit(index, start)` for each element of the array whose `[` is at `open`; `visit` returns the
 * offset just past the element. Returns the offset just past the `]`.
 */
export function forEachElement(text: string, open: number, visit: (index: number, at: number) => number): number {
  let i = skipWhitespace(text, open + 1);
  for (let index = 0; i < text.length && text.charCodeAt(i) !== CLOSE_BRACKET; index++) {
    i = skipWhitespace(text, visit(index, i));
    if (text.charCodeAt(i) === COMMA) i = skipWhitespace(text, i + 1);
  }
  return Math.min(i + 1, text.length);
}

export interface DuplicateKey {
  key: string;
  start: number;
  end: number;
  /** The first occurrence of the key in the same object. */
  firstStart: number;
  firstEnd: number;
}

export interface StructureScan {
  duplicateKeys: DuplicateKey[];
  /** Offset of the first bracket nested deeper than the limit. */
  tooDeepAt?: number;
}

/**
 * One iterative pass over a JSON text: duplicate keys (valid JSON only) and nesting deeper than
 * `maxDepth` (any text; strings are skipped, everything else is counted). It makes nothing per key or
 * per container (see `OpenKeys`): on a config of 100,000 tasks, a string and an array for each of its
 * 400,000 keys and 200,000 objects were 50 MB of garbage a pass, collected while the parsed config was
 * alive.
 */
export function scanStructure(text: string, maxDepth: number, findDuplicates: boolean): StructureScan {
  const duplicateKeys: DuplicateKey[] = [];
  // Whether each open container is an object.
  const objects: boolean[] = [];
  const keys = findDuplicates ? new OpenKeys(text) : undefined;
  let depth = 0;
  let expectKey = false;
  let tooDeepAt: number | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // Whitespace, most of an indented file's characters, first.
    if (c <= 0x20) {
      i++;
      continue;
    }
    if (c === QUOTE) {
      const end = skipString(text, i);
      if (expectKey && keys) {
        const first = keys.add(i, end);
        if (first !== -1) duplicateKeys.push({ key: readString(text, i, end), start: i, end, firstStart: keys.start(first), firstEnd: keys.end(first) });
      }
      expectKey = false;
      i = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth >= maxDepth) {
        tooDeepAt = i;
        break;
      }
      expectKey = c === OPEN_BRACE;
      objects[depth++] = expectKey;
      if (expectKey) keys?.open();
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth > 0 && objects[--depth]) keys?.close();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = depth > 0 && objects[depth - 1];
    }
    i++;
  }
  return { duplicateKeys, tooDeepAt };
}

/** Past this many keys, an object's keys are found through a map rather than compared one by one. */
const LINEAR_KEYS = 16;

/**
 * The keys of the objects open at one point of a scan, as ranges of the text in flat stacks, so that a
 * key is compared with its object's earlier keys without making a string. Keys with escapes are decoded
 * to be compared; an object with many keys gets a map of its decoded keys (a linear search per key would
 * make an object of 100,000 keys quadratic).
 */
class OpenKeys {
  // One entry per key of every open object, innermost object's last.
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly escaped: boolean[] = [];
  private count = 0;
  // One entry per open object: the index of its first key, and the map of its keys once it has many.
  private readonly firsts: number[] = [];
  private readonly maps: (Map<string, number> | undefined)[] = [];
  private depth = 0;

  constructor(private readonly text: string) {}

  open(): void {
    this.firsts[this.depth] = this.count;
    this.maps[this.depth] = undefined;
    this.depth++;
  }

  close(): void {
    this.depth--;
    this.count = this.firsts[this.depth];
    this.maps[this.depth] = undefined;
  }

  start(index: number): number {
    return this.starts[index];
  }

  end(index: number): number {
    return this.ends[index];
  }

  /** Adds the key at [start, end) to the innermost object; returns the index of its first equal key, or -1. */
  add(start: number, end: number): number {
    const first = this.firsts[this.depth - 1];
    const map = this.maps[this.depth - 1];
    const escaped = hasBackslash(this.text, start, end);
    let found = -1;
    if (map) {
      const key = readString(this.text, start, end);
      found = map.get(key) ?? -1;
      if (found === -1) map.set(key, this.count);
    } else {
      for (let k = first; k < this.count; k++) {
        if (this.equals(k, start, end, escaped)) {
          found = k;
          break;
        }
      }
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.escaped[this.count] = escaped;
    this.count++;
    if (!map && this.count - first > LINEAR_KEYS) {
      const keys = new Map<string, number>();
      for (let k = first; k < this.count; k++) {
        const key = readString(this.text, this.starts[k], this.ends[k]);
        if (!keys.has(key)) keys.set(key, k);
      }
      this.maps[this.depth - 1] = keys;
    }
    return found;
  }

  private equals(k: number, start: number, end: number, escaped: boolean): boolean {
    const text = this.text;
    const kStart = this.starts[k];
    const kEnd = this.ends[k];
    if (escaped || this.escaped[k]) return readString(text, kStart, kEnd) === readString(text, start, end);
    if (kEnd - kStart !== end - start) return false;
    for (let a = kStart + 1, b = start + 1; a < kEnd; a++, b++) if (text.charCodeAt(a) !== text.charCodeAt(b)) return false;
    return true;
  }
}

/** Whether the string at [start, end) holds an escape. */
function hasBackslash(text: string, start: number, end: number): boolean {
  for (let i = start + 1; i < end - 1; i++) if (text.charCodeAt(i) === BACKSLASH) return true;
  return false;
}
