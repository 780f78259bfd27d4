import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineIndex } from '../../engine/config/text';
import { marked, projectFiles } from '../helpers/fixture';

describe('test helper: marked fixtures', () => {
  test('removes the markers and gives 0-based ranges in UTF-16 characters', () => {
    const m = marked('ab⟦cd⟧\n😀⟦e⟧f');
    assert.equal(m.text, 'abcd\n😀ef');
    assert.deepEqual(m.ranges, [
      { start: { line: 0, character: 2 }, end: { line: 0, character: 4 } },
      // The emoji is two UTF-16 code units, as LSP counts.
      { start: { line: 1, character: 2 }, end: { line: 1, character: 3 } },
    ]);
    assert.deepEqual(m.offsets, [
      [2, 4],
      [7, 8],
    ]);
  });

  test('ranges may span lines, nest, be empty, and come in the order they open', () => {
    const m = marked('⟦a\n⟦b⟧⟧⟦⟧');
    assert.equal(m.text, 'a\nb');
    assert.deepEqual(m.ranges, [
      { start: { line: 0, character: 0 }, end: { line: 1, character: 1 } },
      { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } },
      { start: { line: 1, character: 1 }, end: { line: 1, character: 1 } },
    ]);
  });

  test('agrees with the engine’s LineIndex, CRLF included', () => {
    const m = marked('{\r\n  "a": ⟦1⟧,\r\n  ⟦"b"⟧: 2\r\n}');
    const lines = new LineIndex(m.text);
    for (const [i, [start, end]] of m.offsets.entries()) assert.deepEqual(lines.range(start, end), m.ranges[i]);
  });

  test('unbalanced markers are a fixture error', () => {
    assert.throws(() => marked('⟦a'), /never closed/);
    assert.throws(() => marked('a⟧'), /without/);
  });

  test('projectFiles lays out task and handler modules in the default layout', () => {
    const files = projectFiles({ tasks: ['Task1'], handlers: ['jobs.sub.MyHandler'], files: { '/p/other.txt': 'x' } });
    assert.deepEqual(Object.keys(files).sort(), ['/p/other.txt', '/p/src/job/task/task1.ts', '/p/src/joborchrestrator/handler/jobs/sub.ts']);
    assert.match(files['/p/src/job/task/task1.ts'], /class Task1 /);
    assert.match(files['/p/src/joborchrestrator/handler/jobs/sub.ts'], /class MyHandler /);
  });
});
