import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../../engine/run/describe';

test('formatDuration picks its unit after rounding, so no value reads as the limit of its unit', () => {
  const cases: [number, string][] = [
    [0, '0ms'],
    [999.4, '999ms'],
    [999.6, '1.00s'],
    [1234, '1.23s'],
    [59_994, '59.99s'],
    [59_996, '1m0s'],
    [60_000, '1m0s'],
    [119_400, '1m59s'],
    [119_600, '2m0s'],
    [3_599_500, '60m0s'],
  ];
  for (const [ms, expected] of cases) assert.equal(formatDuration(ms), expected, `${ms} ms`);
});
