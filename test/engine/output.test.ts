import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineSplitter, MAX_LINE, OutputBudget, splitLong } from '../../engine/run/output';

function split(chunks: string[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  test('joins chunks into lines and keeps a last line without a newline', () => {
    assert.deepEqual(split(['a', 'b\nc', '\r\n', '', 'd']), ['ab', 'c', 'd']);
    assert.deepEqual(split(['\n\n']), ['', '']);
  });

  test('cuts an over-long line into pieces of MAX_LINE and never holds more than that', () => {
    const lines = split(['x'.repeat(MAX_LINE - 1), 'y'.repeat(MAX_LINE * 2 + 5), '\nz']);
    assert.deepEqual(
      lines.map((l) => l.length),
      [MAX_LINE, MAX_LINE, MAX_LINE, 4, 1],
    );
    assert.equal(lines.join(''), 'x'.repeat(MAX_LINE - 1) + 'y'.repeat(MAX_LINE * 2 + 5) + 'z');
  });

  test('a line of exactly MAX_LINE is one line', () => {
    assert.deepEqual(
      split(['q'.repeat(MAX_LINE) + '\n']).map((l) => l.length),
      [MAX_LINE],
    );
  });
});

describe('splitLong', () => {
  test('leaves short messages whole (newlines included) and cuts long ones', () => {
    const pieces: string[] = [];
    splitLong('a\nb', (p) => pieces.push(p));
    splitLong('w'.repeat(MAX_LINE + 1), (p) => pieces.push(p));
    assert.deepEqual(
      pieces.map((p) => p.length),
      [3, MAX_LINE, 1],
    );
  });
});

describe('OutputBudget', () => {
  test('keeps each task within its budget and the run within its own, and counts the rest', () => {
    const budget = new OutputBudget({ task: 10, run: 25 });
    assert.equal(budget.admit('A', 6), true);
    assert.equal(budget.admit('A', 4), true);
    assert.equal(budget.admit('A', 1), false, 'A is at its 10');
    assert.equal(budget.admit('B', 10), true);
    assert.equal(budget.admit(undefined, 5), true, 'the run has 5 left');
    assert.equal(budget.admit('C', 1), false, 'the run is at its 25');
    assert.equal(budget.admit(undefined, 1), false);
    assert.deepEqual(budget.pendingTasks().sort(), ['A', 'C']);
    const a = budget.notice('A');
    assert.deepEqual(a?.dropped, { lines: 1, chars: 1 });
    assert.match(a?.message ?? '', /dropped: 1 line\(s\), 1 bytes of A's output were counted, not kept/);
    assert.equal(budget.notice('A'), undefined, 'said once');
    assert.equal(budget.notice('B'), undefined, 'B dropped nothing');
    assert.match(budget.notice(undefined)?.message ?? '', /the run's budget/);
  });
});
