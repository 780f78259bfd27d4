import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunListItem as ListedRun } from '../../engine/run/recorded-runs';
import { cli } from '../helpers/cli';
import { type TempProject, taskModule, tempProject } from '../helpers/project';
import { deadOwner, recordLines, SyntheticRun } from '../http/synthetic';

const projects: TempProject[] = [];
after(() => projects.forEach((p) => p.remove()));

function project(): TempProject {
  const p = tempProject(
    {
      jobs: [
        { name: 'ok', handler: 'GenericJobHandler', tasks: [{ name: 'A' }] },
        { name: 'bad', handler: 'GenericJobHandler', tasks: [{ name: 'Boom' }] },
      ],
    },
    { ...taskModule('A', 'return 1;'), ...taskModule('Boom', "throw new Error('no luck');") },
  );
  projects.push(p);
  return p;
}

describe('fastasyncio runs', () => {
  test('lists recent runs newest first, as a table or JSON; --limit; an interrupted run is shown so and its record completed', async () => {
    const p = project();
    assert.equal((await cli(['run', p.configFile, 'ok'])).code, 0);
    assert.equal((await cli(['run', p.configFile, 'bad'])).code, 1);
    const interrupted = new SyntheticRun(p.root, '20200101T000000000Z-abcdef', ['A'], await deadOwner(), 'ok').started('A');
    interrupted.write();

    const json = await cli(['runs', p.configFile, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const runs = JSON.parse(json.stdout) as ListedRun[];
    assert.deepEqual(
      runs.map((r) => [r.job, r.status]),
      [
        ['bad', 'failed'],
        ['ok', 'succeeded'],
        ['ok', 'interrupted'],
      ],
    );
    assert.deepEqual(Object.keys(runs[1]).sort(), ['durationMs', 'job', 'runId', 'status']);
    for (const r of runs) assert.equal(r.durationMs, Math.round(r.durationMs * 10) / 10, 'durations to 0.1 ms');
    assert.equal(runs[0].error, undefined, 'a failed task is in the task, not the run');
    assert.match(runs[2].error ?? '', /ended without finishing the run/);
    assert.equal(recordLines(interrupted.file).at(-1)?.type, 'run-finished', 'the record was completed');

    const text = await cli(['runs', '--limit', '2'], { cwd: p.root });
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^run\s+job\s+status\s+duration\s+error$/);
    assert.equal(lines.length, 3);
    assert.match(lines[1], new RegExp(`^${runs[0].runId}\\s+bad\\s+failed\\s+\\d+ms$`));
    assert.match(lines[2], new RegExp(`^${runs[1].runId}\\s+ok\\s+succeeded\\s+\\d+ms$`));
  });

  test('no runs yet; usage errors exit 2', async () => {
    const p = project();
    assert.deepEqual(await cli(['runs', p.configFile]), { code: 0, stdout: 'no runs\n', stderr: '' });
    assert.deepEqual(JSON.parse((await cli(['runs', p.configFile, '--format', 'json'])).stdout), []);
    for (const args of [
      ['--limit', '0'],
      ['--limit', 'x'],
      ['--format', 'xml'],
      ['a', 'b'],
    ]) {
      const result = await cli(['runs', p.configFile, ...args]);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /usage: fastasyncio runs/);
    }
    assert.equal((await cli(['runs', path.join(p.root, 'missing.json')])).code, 2);
  });
});
