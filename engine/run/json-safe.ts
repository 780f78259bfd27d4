import { types } from 'node:util';

/**
 * JSON honesty: a task's result travels as JSON (to the run record, to the parent process, to another
 * machine), so a value that `JSON.stringify` would silently change (a `Map` written as `{}`, `NaN` as
 * `null`, a function dropped) must fail its task rather than arrive different. And task code that
 * plants a `toJSON` on `Object.prototype` must not corrupt the engine's own messages.
 */

/** How deep a result may nest. `JSON.stringify` itself overflows the stack a few thousand levels down. */
export const MAX_JSON_DEPTH = 1000;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_PATH_CHARS = 200;

/** A container being walked: an array or an object (after `toJSON`). */
interface Frame {
  container: object;
  /** The object's keys; undefined for an array. */
  keys: string[] | undefined;
  length: number;
  index: number;
  /** Where the container sits in its parent: an array index or a key; undefined for the root. */
  key: string | number | undefined;
}

/**
 * Why `JSON.stringify(value)` would not carry `value` faithfully, naming the first bad path
 * (`result.items[2] is NaN`); undefined when it would. Follows `JSON.stringify`: `toJSON` is honoured
 * (Date, Buffer, user classes: what it returns is checked), except one planted on `Object.prototype` or
 * `Array.prototype`, which is ignored (see `stringifyImmune`). `undefined` as an object's property is
 * allowed (JSON leaves the property out, as optional fields expect), and so is `undefined` as the whole
 * value; in an array it is not (JSON writes `null`). Shared references are fine, cycles are not.
 */
export function jsonProblem(value: unknown, root = 'result'): string | undefined {
  switch (typeof value) {
    case 'undefined':
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${root} ${nonFinite(value)}`;
  }
  if (value === null) return undefined;
  return new Walk(root).run(value);
}

function nonFinite(n: number): string {
  return `is ${Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity'} (JSON would write null)`;
}

function segment(key: string | number | undefined): string {
  if (key === undefined) return '';
  if (typeof key === 'number') return `[${key}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function shorten(path: string): string {
  return path.length <= MAX_PATH_CHARS ? path : `${path.slice(0, MAX_PATH_CHARS / 2)}…${path.slice(-MAX_PATH_CHARS / 2)}`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return 'an unprintable value';
  }
}

/** `kindProblem`: JSON writes the object as a primitive, faithfully (String, Boolean, finite Number objects). */
const LEAF = true;

/**
 * What JSON would make of an object that is not a plain object or array: a problem, `LEAF`, or
 * undefined when its own enumerable properties are to be walked (a class instance).
 */
function kindProblem(obj: object): string | typeof LEAF | undefined {
  if (types.isBoxedPrimitive(obj)) {
    if (types.isNumberObject(obj)) return Number.isFinite(obj.valueOf()) ? LEAF : nonFinite(obj.valueOf());
    if (types.isBigIntObject(obj)) return 'is a BigInt object (JSON cannot write a bigint)';
    if (types.isSymbolObject(obj)) return 'is a Symbol object (JSON would write {})';
    return LEAF;
  }
  if (types.isPromise(obj)) return 'is a Promise (JSON would write {}; did you forget await?)';
  if (types.isMap(obj)) return 'is a Map (JSON would write {}; use Object.fromEntries(map) or [...map])';
  if (types.isSet(obj)) return 'is a Set (JSON would write {}; use [...set])';
  if (types.isWeakMap(obj)) return 'is a WeakMap (JSON would write {})';
  if (types.isWeakSet(obj)) return 'is a WeakSet (JSON would write {})';
  if (types.isTypedArray(obj)) {
    const name = Object.prototype.toString.call(obj).slice(8, -1);
    return `is a ${name} (JSON would write an object with numeric keys; use Array.from())`;
  }
  if (types.isAnyArrayBuffer(obj)) return `is ${types.isSharedArrayBuffer(obj) ? 'a SharedArrayBuffer' : 'an ArrayBuffer'} (JSON would write {})`;
  if (types.isDataView(obj)) return 'is a DataView (JSON would write {})';
  if (types.isRegExp(obj)) return 'is a RegExp (JSON would write {})';
  if (types.isNativeError(obj) || obj instanceof Error) return 'is an Error (JSON would write {}, without its message)';
  if (types.isGeneratorObject(obj) || types.isMapIterator(obj) || types.isSetIterator(obj)) {
    return 'is an iterator (JSON would write {}; spread it into an array)';
  }
  const tag = Object.prototype.toString.call(obj);
  if (tag === '[object WeakRef]') return 'is a WeakRef (JSON would write {})';
  return undefined;
}

/** An iterative depth-first walk (deep values cannot overflow the stack) in `JSON.stringify`'s order. */
class Walk {
  private readonly frames: Frame[] = [];
  /** The containers on the current path (a cycle), and those already found faithful (shared references). */
  private readonly onPath = new Set<object>();
  private done: Set<object> | undefined;
  /** Task code planted a `toJSON` on `Object.prototype` or `Array.prototype`: look `toJSON` up by hand. */
  private readonly polluted = 'toJSON' in Array.prototype;
  /** What the walk was doing, for a getter or `toJSON` that throws. */
  private step: 'reading' | 'calling toJSON() of' = 'reading';
  private key: string | number | undefined;

  constructor(private readonly root: string) {}

  run(value: unknown): string | undefined {
    const { frames } = this;
    try {
      const problem = this.visit(value, undefined, false);
      if (problem !== undefined) return problem;
      while (frames.length > 0) {
        const frame = frames[frames.length - 1];
        if (frame.index >= frame.length) {
          frames.pop();
          this.onPath.delete(frame.container);
          (this.done ??= new Set()).add(frame.container);
          continue;
        }
        const i = frame.index++;
        let child: string | undefined;
        if (frame.keys === undefined) {
          this.step = 'reading';
          this.key = i;
          child = this.visit((frame.container as unknown[])[i], i, true);
        } else {
          const key = frame.keys[i];
          this.step = 'reading';
          this.key = key;
          child = this.visit((frame.container as Record<string, unknown>)[key], key, false);
        }
        if (child !== undefined) return child;
      }
      return undefined;
    } catch (error) {
      return `${this.step} ${this.path(this.key)} threw: ${messageOf(error)}`;
    }
  }

  /** The path of the container's child `key` (the walk's current position). */
  private path(key: string | number | undefined): string {
    let path = this.root;
    for (const frame of this.frames) path += segment(frame.key);
    return shorten(path + segment(key));
  }

  private at(key: string | number | undefined, what: string): string {
    return `${this.path(key)} ${what}`;
  }

  /** Checks one value; pushes a frame for an array or object to walk. */
  private visit(raw: unknown, key: string | number | undefined, inArray: boolean): string | undefined {
    let value = raw;
    if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
      const toJSON = this.toJSONOf(value);
      if (typeof toJSON === 'function') {
        this.step = 'calling toJSON() of';
        value = toJSON.call(raw, key === undefined ? '' : String(key));
        this.step = 'reading';
        if (value === null && types.isDate(raw)) return this.at(key, 'is an invalid Date (JSON would write null)');
      }
    }
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return undefined;
      case 'number':
        return Number.isFinite(value) ? undefined : this.at(key, nonFinite(value));
      case 'undefined':
        return inArray ? this.at(key, 'is undefined (JSON would write null)') : undefined;
      case 'bigint':
        return this.at(key, 'is a BigInt (JSON cannot write a bigint)');
      case 'symbol':
        return this.at(key, `is a symbol (JSON would ${inArray ? 'write null' : 'drop it'})`);
      case 'function':
        return this.at(key, `is a function (JSON would ${inArray ? 'write null' : 'drop it'})`);
    }
    if (value === null) return undefined;
    const obj = value as object;
    const array = Array.isArray(obj);
    if (!array) {
      const proto: unknown = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        const problem = kindProblem(obj);
        if (problem === LEAF) return undefined;
        if (problem !== undefined) return this.at(key, problem);
      }
    }
    if (this.onPath.has(obj)) return this.at(key, `is a circular reference to ${this.pathOf(obj)}`);
    if (this.done?.has(obj)) return undefined;
    if (this.frames.length >= MAX_JSON_DEPTH) return this.at(key, `is nested more than ${MAX_JSON_DEPTH} levels deep (too deep for JSON)`);
    const keys = array ? undefined : Object.keys(obj);
    this.frames.push({ container: obj, keys, length: keys ? keys.length : (obj as unknown[]).length, index: 0, key });
    this.onPath.add(obj);
    return undefined;
  }

  /** The path of a container on the current path. */
  private pathOf(obj: object): string {
    let path = this.root;
    for (const frame of this.frames) {
      path += segment(frame.key);
      if (frame.container === obj) break;
    }
    return shorten(path);
  }

  /** `value.toJSON` as `JSON.stringify` finds it, except one planted on `Object.prototype` or `Array.prototype`. */
  private toJSONOf(value: object | bigint): unknown {
    if (!this.polluted) return (value as { toJSON?: unknown }).toJSON;
    return ownToJSON(value);
  }
}

/** Looks `toJSON` up the prototype chain by hand, stopping at `Array.prototype` and `Object.prototype`. */
function ownToJSON(value: object | bigint): unknown {
  for (let o: object | null = typeof value === 'bigint' ? BigInt.prototype : value; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (o === Object.prototype || o === Array.prototype) return undefined;
    const descriptor = Object.getOwnPropertyDescriptor(o, 'toJSON');
    if (descriptor) return 'value' in descriptor ? descriptor.value : descriptor.get?.call(value);
  }
  return undefined;
}

/**
 * `JSON.stringify(value)`, unaffected by a `toJSON` that task code planted on `Object.prototype` or
 * `Array.prototype` (which would otherwise turn every message into, say, `"polluted"`). The common case
 * costs one property lookup; when one is planted it is removed for the call and put back after.
 */
export function stringifyImmune(value: unknown): string {
  // `in` on Array.prototype sees both Array.prototype and Object.prototype.
  if (!('toJSON' in Array.prototype)) return JSON.stringify(value);
  const removed: [object, PropertyDescriptor][] = [];
  try {
    for (const proto of [Object.prototype, Array.prototype]) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, 'toJSON');
      if (!descriptor) continue;
      // A planted toJSON made non-configurable (or a frozen prototype) cannot be removed: walk by hand.
      if (!descriptor.configurable) return stringifyByHand(value);
      delete (proto as { toJSON?: unknown }).toJSON;
      removed.push([proto, descriptor]);
    }
    return JSON.stringify(value);
  } finally {
    for (const [proto, descriptor] of removed) Object.defineProperty(proto, 'toJSON', descriptor);
  }
}

/** `JSON.stringify` (no replacer, no indent) ignoring a `toJSON` on `Object.prototype` / `Array.prototype`. */
function stringifyByHand(value: unknown): string {
  const stack: object[] = [];
  const write = (holderKey: string, raw: unknown): string | undefined => {
    let value = raw;
    if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
      const toJSON = ownToJSON(value);
      if (typeof toJSON === 'function') value = toJSON.call(raw, holderKey);
    }
    if (typeof value === 'object' && value !== null && types.isBoxedPrimitive(value)) {
      if (types.isNumberObject(value)) value = Number(value);
      else if (types.isStringObject(value)) value = String(value);
      else if (types.isBooleanObject(value)) value = value.valueOf();
      else if (types.isBigIntObject(value)) value = value.valueOf();
    }
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'boolean':
        return value ? 'true' : 'false';
      case 'number':
        return Number.isFinite(value) ? String(value) : 'null';
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt');
      case 'undefined':
      case 'symbol':
      case 'function':
        return undefined;
    }
    if (value === null) return 'null';
    const obj = value as object;
    if (stack.includes(obj)) throw new TypeError('Converting circular structure to JSON');
    stack.push(obj);
    let out: string;
    if (Array.isArray(obj)) {
      const parts: string[] = [];
      for (let i = 0; i < obj.length; i++) parts.push(write(String(i), obj[i]) ?? 'null');
      out = `[${parts.join(',')}]`;
    } else {
      const parts: string[] = [];
      for (const key of Object.keys(obj)) {
        const text = write(key, (obj as Record<string, unknown>)[key]);
        if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
      }
      out = `{${parts.join(',')}}`;
    }
    stack.pop();
    return out;
  };
  return write('', value) as string;
}
