// `fastasyncio run --from/--only/--param/--force` through the real CLI: exit codes, messages and the
// JSON summary's `reused`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { RunSummary } from '../../engine/run/events';
import { readRun } from '../../engine/run/records';
import { cli } from '../helpers/cli';
import { oneJobProjects, taskModule } from '../helpers/project';

const project = oneJobProjects();

const failing = (fail = true) =>
  project([{ name: 'A' }, { name: 'B', dependencies: ['A'], params: { fail } }, { name: 'C', dependencies: ['B'] }], {
    ...taskModule('A', 'return 20;'),
    ...taskModule('B', 'if (ctx.params.fail) throw new Error("told to fail");\n    return input.A + 1;'),
    ...taskModule('C', 'return input.B * 2;'),
  });

const json = (stdout: string) => JSON.parse(stdout) as RunSummary;

describe('fastasyncio run: re-runs', () => {
  test('--from runs only what failed, with --param fixing it; the summary marks reused tasks', async () => {
    const p = failing();
    const first = await cli(['run', p.configFile, 'job1', '--format', 'json']);
    assert.equal(first.code, 1);
    const from = json(first.stdout).runId;
    const again = await cli(['run', p.configFile, 'job1', '--from', from, '--param', 'B.fail=false', '--format', 'json']);
    assert.equal(again.code, 0, again.stderr);
    const summary = json(again.stdout);
    assert.deepEqual(summary.tasks.A, { status: 'succeeded', attempts: 0, durationMs: 0, reused: from });
    assert.equal(summary.tasks.B.attempts, 1);
    assert.deepEqual(summary.results, { A: 20, B: 21, C: 42 });
    const started = readRun(p.root, summary.runId)!.find((e) => e.type === 'run-started');
    assert.deepEqual(started?.type === 'run-started' && started.rerun, { from, params: { B: { fail: false } } });
    // B ran with other params than the config's: reusing it is refused.
    const changed = await cli(['run', p.configFile, 'job1', '--from', summary.runId]);
    assert.equal(changed.code, 2);
    assert.match(changed.stderr, /B's params changed since run/);
    // Text output says which results were reused.
    const text = await cli(['run', p.configFile, 'job1', '--from', summary.runId, '--param', 'B.fail=false']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`✓ A succeeded in run ${summary.runId}: its result is reused`));
    assert.match(text.stdout, new RegExp(`^A\\s+succeeded\\s+0\\s+reused\\s+from run ${summary.runId}$`, 'm'));
  });

  test('a changed module refuses --from with exit 2 and nothing recorded; --force runs', async () => {
    const p = failing();
    const from = json((await cli(['run', p.configFile, 'job1', '--format', 'json'])).stdout).runId;
    fs.appendFileSync(path.join(p.root, 'src/job/task/a.js'), '// edited\n');
    const refused = await cli(['run', p.configFile, 'job1', '--from', from]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^fastasyncio run: cannot reuse earlier results: src\/job\/task\/a\.js \(A's module\) changed since run .*--force/m);
    assert.equal(refused.stdout, '');
    assert.equal(p.records().length, 1);
    const forced = await cli(['run', p.configFile, 'job1', '--from', from, '--force', '--format', 'json']);
    assert.equal(forced.code, 1, 'B still fails: only A was reused');
    assert.equal(json(forced.stdout).tasks.A.reused, from);
  });

  test('--only without an earlier run exits 2 naming the missing results; with one it runs that task alone', async () => {
    const p = failing(false);
    const missing = await cli(['run', p.configFile, 'job1', '--only', 'C']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no earlier run of job1 has a result for B, which C needs/);
    await cli(['run', p.configFile, 'job1']);
    const only = await cli(['run', p.configFile, 'job1', '--only', 'C', '--format', 'json']);
    assert.equal(only.code, 0, only.stderr);
    const summary = json(only.stdout);
    assert.deepEqual(Object.keys(summary.tasks), ['B', 'C']);
    assert.equal(summary.results.C, 42);
  });

  test('malformed flags are usage errors (exit 2)', async () => {
    const p = failing();
    for (const [args, message] of [
      [['--param', 'B.fail'], /--param must be <task>\.<key>=<json>/],
      [['--param', 'B.fail=nope'], /--param B\.fail: nope is not JSON/],
      [['--param', 'Z.x=1'], /no task "Z" in job job1/],
      [['--force'], /--force goes with --from or --only/],
      [['--from', 'yesterday'], /"yesterday" is not a run id/],
    ] as const) {
      const result = await cli(['run', p.configFile, 'job1', ...args]);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
    }
  });
});
