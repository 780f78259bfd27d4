import type { Position, Range } from './types';

/** One region of change: the previous text's [start, oldEnd) became the new text's [start, newEnd). */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Maps UTF-16 offsets of a text to 0-based line/character positions. Built once per text, lazily. */
export class LineIndex {
  private starts: Int32Array | undefined;

  constructor(private readonly text: string) {}

  /**
   * The index of `text`, made by `change` from the text of `previous`: when `previous` has its lines
   * already, those before and after the change are carried over (shifted) instead of found again.
   */
  static afterEdit(previous: LineIndex, text: string, change: TextChange): LineIndex {
    const index = new LineIndex(text);
    const old = previous.starts;
    if (!old) return index;
    // Line starts are just past a newline: those up to the change stay, those whose newline the change
    // replaced go, the change's own newlines come in, and those past it move by the change in length.
    const kept = countAtMost(old, change.start);
    const resumed = countAtMost(old, change.oldEnd);
    const delta = change.newEnd - change.oldEnd;
    const added: number[] = [];
    for (let i = text.indexOf('\n', change.start); i !== -1 && i < change.newEnd; i = text.indexOf('\n', i + 1)) added.push(i + 1);
    const starts = new Int32Array(kept + added.length + old.length - resumed);
    starts.set(old.subarray(0, kept));
    starts.set(added, kept);
    for (let k = resumed, at = kept + added.length; k < old.length; k++, at++) starts[at] = old[k] + delta;
    index.starts = starts;
    return index;
  }

  private lineStarts(): Int32Array {
    if (this.starts) return this.starts;
    const starts = [0];
    const text = this.text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return (this.starts = Int32Array.from(starts));
  }

  position(offset: number): Position {
    const starts = this.lineStarts();
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - starts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  offset(position: Position): number {
    const starts = this.lineStarts();
    if (position.line < 0) return 0;
    if (position.line >= starts.length) return this.text.length;
    const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
    return Math.min(starts[position.line] + Math.max(0, position.character), lineEnd);
  }
}

/** How many of the ascending `values` are at most `limit`. */
function countAtMost(values: Int32Array, limit: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface DecodedText {
  text: string;
  /** Offset (in `text`) of the first byte that was not valid UTF-8, if any. */
  invalidUtf8At?: number;
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Decodes a config file's bytes. A byte-order mark is dropped, as editors do, so positions are those an
 * editor shows; invalid UTF-8 is replaced with U+FFFD and the place of the first such byte reported.
 */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { text: strictDecoder.decode(bytes) };
  } catch {
    // Not the first U+FFFD of the text: the file may hold that character, validly encoded, earlier on.
    const bad = firstInvalidByte(bytes);
    const text = lenientDecoder.decode(bytes);
    return { text, invalidUtf8At: bad === -1 ? 0 : lenientDecoder.decode(bytes.subarray(0, bad)).length };
  }
}

/** The index of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or -1. */
function firstInvalidByte(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    // The allowed range of the second byte (narrower after E0, ED, F0 and F4).
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) [need, lo] = [2, 0xa0];
    else if (b === 0xed) [need, hi] = [2, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) need = 2;
    else if (b === 0xf0) [need, lo] = [3, 0x90];
    else if (b === 0xf4) [need, hi] = [3, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else return i;
    if (i + need >= n || bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let k = 2; k <= need; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += need + 1;
  }
  return -1;
}
