import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { RunSummary } from '../../engine/run/events';
import { readRun } from '../../engine/run/records';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

// The README's main command runs this job; it must work from the repository as it is (its tsconfig and all).
describe('the sample job (configs/job_config.json, job1)', () => {
  for (const compiler of ['esbuild', 'sucrase']) {
    test(`runs with ${compiler}: Task1 and Task3 together, Task2 after Task1, Task4 after both, results passed on`, async () => {
      // Compiled modules are cached on disk whatever compiled them: start without, so this compiler runs.
      fs.rmSync(path.join(ROOT, 'examples/.fastasyncio/cache'), { recursive: true, force: true });
      const env = { ...process.env, FASTASYNCIO_COMPILER: compiler };
      const { stdout } = await run(process.execPath, ['dist/cli.js', 'run', 'configs/job_config.json', 'job1', '--format', 'json'], { cwd: ROOT, env });
      const summary = JSON.parse(stdout) as RunSummary;
      assert.equal(summary.status, 'succeeded');
      assert.deepEqual((summary.results.Task4 as { receivedFrom: string[] }).receivedFrom, ['Task2', 'Task3']);
      const events = readRun(path.join(ROOT, 'examples'), summary.runId)!;
      const at = (type: string, task: string) => events.findIndex((e) => e.type === type && 'task' in e && e.task === task);
      assert.ok(at('task-started', 'Task3') < at('task-finished', 'Task1'), 'Task1 and Task3 overlap');
      assert.ok(at('task-started', 'Task2') > at('task-finished', 'Task1'));
      assert.ok(at('task-started', 'Task4') > Math.max(at('task-finished', 'Task2'), at('task-finished', 'Task3')));
      assert.ok(
        events.some((e) => e.type === 'run-log' && e.message === 'Job1Handler starting job job1'),
        "the seed's handler ran its hook",
      );
    });
  }
});
