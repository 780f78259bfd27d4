// The closing table of the benches (`npm run bench`): the columns issue 15 names, in its order, and the
// cells as each row gives them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ratioOf, renderTable } from './report';

describe('the benches’ closing table', () => {
  test('measure, ours, peer, ratio, target, met; a peer cell names its peer; a row without a target has no verdict', () => {
    const lines = renderTable([
      { measure: 'time per task (µs)', ours: '5.05', peer: { name: 'p-graph', value: '11.53' }, ratio: ratioOf(5.05, 11.53, 3), target: '≤ 0.5×', met: true },
      { measure: 'first task (ms)', ours: '207.5', target: '≤ 100', met: false },
      { measure: 'for orientation (ms)', ours: '96.9', target: '' },
    ]).split('\n');
    assert.deepEqual(lines[0].split(/\s{2,}/), ['measure', 'ours', 'peer', 'ratio', 'target', 'met']);
    assert.deepEqual(lines[1].split(/\s{2,}/), ['time per task (µs)', '5.05', '11.53 (p-graph)', '0.438×', '≤ 0.5×', 'yes']);
    assert.deepEqual(lines[2].trim().split(/\s{2,}/), ['first task (ms)', '207.5', '≤ 100', 'NO']);
    assert.deepEqual(lines[3].trim().split(/\s{2,}/), ['for orientation (ms)', '96.9']);
    // Figures right-aligned: every row's `ours` ends in the same column.
    const end = (line: string, cell: string) => line.indexOf(cell) + cell.length;
    assert.equal(end(lines[1], '5.05'), end(lines[2], '207.5'));
  });

  test('rows of `npm run bench` lead with their bench', () => {
    const [header, row] = renderTable([{ bench: 'engine', measure: 'm', ours: '1', target: '' }]).split('\n');
    assert.deepEqual(header.split(/\s{2,}/), ['bench', 'measure', 'ours', 'peer', 'ratio', 'target', 'met']);
    assert.match(row, /^engine {2}m /);
  });
});
