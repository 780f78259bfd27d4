import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteSize, integerFlag } from '../../engine/cli/options';
import { UsageError } from '../../engine/cli/load';
import { checkInteger, integerRule } from '../../engine/run/options';

test('checkInteger refuses an option with its name and the bad value, and lets a missing one pass', () => {
  assert.doesNotThrow(() => checkInteger('concurrency', undefined));
  assert.doesNotThrow(() => checkInteger('concurrency', 4));
  assert.doesNotThrow(() => checkInteger('port', 0, 0, 65535));
  assert.throws(() => checkInteger('concurrency', 0), { name: 'RangeError', message: 'Expected `concurrency` to be a positive integer, got 0' });
  assert.throws(() => checkInteger('keepRuns', 1.5), /Expected `keepRuns` to be a positive integer, got 1.5/);
  assert.throws(() => checkInteger('maxActiveRuns', Number.NaN), /got NaN/);
  assert.throws(() => checkInteger('port', 65536, 0, 65535), /Expected `port` to be an integer from 0 to 65535, got 65536/);
  assert.equal(integerRule(1), 'a positive integer');
  assert.equal(integerRule(0, 10), 'an integer from 0 to 10');
});

test('integerFlag takes digits only, within its bounds, and names the flag in a usage error', () => {
  assert.equal(integerFlag('--limit', undefined), undefined);
  assert.equal(integerFlag('--limit', '12'), 12);
  assert.equal(integerFlag('--port', '0', 0, 65535), 0);
  for (const bad of ['0', '-1', '1.5', '1e3', '0x10', ' 4', '', '99999999999999999999']) {
    assert.throws(
      () => integerFlag('--concurrency', bad),
      (e: unknown) => e instanceof UsageError && e.message === `--concurrency must be a positive integer, got "${bad}"`,
    );
  }
  assert.throws(() => integerFlag('--port', '70000', 0, 65535), /--port must be an integer from 0 to 65535, got "70000"/);
});

test('byteSize reads bytes and binary units', () => {
  assert.equal(byteSize('--max-task-output', '1048576'), 1_048_576);
  assert.equal(byteSize('--max-task-output', '512KB'), 512 * 1024);
  assert.equal(byteSize('--max-task-output', '1.5m'), 1.5 * 1024 * 1024);
  assert.throws(() => byteSize('--max-run-output', '8 parsecs'), /--max-run-output must be a size such as 512KB or 8MB, got "8 parsecs"/);
});
