import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readString, scanStructure, skipString } from '../../engine/config/json-scan';
import { hasPlainStructure } from '../../engine/config/key-count';

/** The scan as it was first written (a string and an array per key and object): the reference. */
function referenceDuplicates(text: string) {
  const found: { key: string; start: number; end: number; firstStart: number; firstEnd: number }[] = [];
  const frames: (Array<string | number> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '"') {
      const end = skipString(text, i);
      const keys = frames[frames.length - 1];
      if (expectKey && keys) {
        const key = readString(text, i, end);
        for (let k = 0; k < keys.length; k += 3) {
          if (keys[k] === key) {
            found.push({ key, start: i, end, firstStart: keys[k + 1] as number, firstEnd: keys[k + 2] as number });
            break;
          }
        }
        keys.push(key, i, end);
      }
      expectKey = false;
      i = end;
      continue;
    }
    if (c === '{' || c === '[') {
      frames.push(c === '{' ? [] : null);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      frames.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = frames.length > 0 && frames[frames.length - 1] !== null;
    }
    i++;
  }
  return found;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A random JSON text with few distinct keys (so, many duplicates), escapes and objects of any size. */
function randomJson(next: () => number, depth = 0): string {
  const roll = next();
  if (depth > 4 || roll < 0.3) return JSON.stringify(['a', 'b\\"', 1, null][Math.floor(next() * 4)]);
  if (roll < 0.5) return `[${Array.from({ length: Math.floor(next() * 4) }, () => randomJson(next, depth + 1)).join(', ')}]`;
  const size = next() < 0.1 ? 40 : Math.floor(next() * 5);
  const keys = ['a', '\\u0061', 'b', 'c\\"', 'd\\\\', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11', 'k12', 'k13', 'k14'];
  const members = Array.from({ length: size }, () => `"${keys[Math.floor(next() * keys.length)]}": ${randomJson(next, depth + 1)}`);
  return `{${members.join(',\n ')}}`;
}

describe('the structure scan', () => {
  test('finds the same duplicate keys as the reference, escapes and objects of many keys included', () => {
    const next = random(4);
    let withDuplicates = 0;
    for (let n = 0; n < 500; n++) {
      const text = randomJson(next);
      const value: unknown = JSON.parse(text);
      const expected = referenceDuplicates(text);
      assert.deepEqual(scanStructure(text, 256, true).duplicateKeys, expected, text);
      // The quick check says "plain" exactly when there is nothing to find.
      assert.equal(hasPlainStructure(text, value, 256), expected.length === 0, text);
      if (expected.length > 0) withDuplicates++;
    }
    assert.ok(withDuplicates > 100, `only ${withDuplicates} texts had duplicates`);
  });

  test('an object of 100,000 keys is scanned in linear time', () => {
    const text = `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}": ${i}`).join(',')}, "k5": 0}`;
    const started = performance.now();
    const { duplicateKeys } = scanStructure(text, 256, true);
    assert.ok(performance.now() - started < 2_000);
    assert.deepEqual(
      duplicateKeys.map((d) => d.key),
      ['k5'],
    );
    assert.equal(text.slice(duplicateKeys[0].firstStart, duplicateKeys[0].firstEnd), '"k5"');
  });

  test('the quick check leaves depth beyond the limit to the scan', () => {
    const deep = '['.repeat(300) + ']'.repeat(300);
    assert.equal(hasPlainStructure(deep, JSON.parse(deep), 256), false);
    assert.equal(scanStructure(deep, 256, true).tooDeepAt, 256);
    const fine = '['.repeat(256) + ']'.repeat(256);
    assert.equal(hasPlainStructure(fine, JSON.parse(fine), 256), true);
  });

  test('the quick check does not trust keys inherited from a polluted Object.prototype', () => {
    const text = '{"a": 1, "a": 2, "b": {}}';
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true });
    try {
      assert.equal(hasPlainStructure(text, JSON.parse(text), 256), false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});
