import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

// The Python half of the engine (python/fastasyncio and its runner) has its own stdlib unittest suite:
// it drives the real runner through a socket pair. This runs it as a developer would, from the repo root.

const ROOT = path.resolve(__dirname, '../..');

test('the Python package passes its unittest suite (python3 -m unittest discover -s python/tests -t python)', () => {
  const done = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'python/tests', '-t', 'python'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    // No .pyc files left in the repository by the test run.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.ifError(done.error);
  // unittest reports on stderr; both streams go in the message so that a failure shows which test and why.
  assert.equal(done.status, 0, `python3 -m unittest exited with ${done.status ?? done.signal}:\n${done.stderr}${done.stdout}`);
});
