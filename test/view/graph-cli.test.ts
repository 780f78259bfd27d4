import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { RunSummary } from '../../engine/run/events';
import { taskRun, type ViewModel } from '../../engine/view/model';
import { MODEL_ID } from '../../engine/view/protocol';
import { cli } from '../helpers/cli';
import { oneJobProjects, taskModule } from '../helpers/project';

const project = oneJobProjects();

const USAGE = 'usage: fastasyncio graph [config] <job> [--format mermaid|dot|json|html] [--run RUN_ID] [--out FILE]';

/** The model a page draws. */
function pageModel(html: string): ViewModel {
  const match = new RegExp(`<script type="application/json" id="${MODEL_ID}">([\\s\\S]*?)</script>`).exec(html);
  assert.ok(match, 'the page holds its model');
  return JSON.parse(match[1]) as ViewModel;
}

/** A job whose handler aggregates: A, then B (fails) and C; D after B is skipped. */
function sample() {
  const p = project([{ name: 'A' }, { name: 'B', dependencies: ['A'] }, { name: 'C', dependencies: ['A'] }, { name: 'D', dependencies: ['B'] }], {
    ...taskModule('A', '    return 1;'),
    ...taskModule('B', "    throw new Error('B broke');"),
    ...taskModule('C', '    return input.A + 1;'),
    ...taskModule('D', '    return 0;'),
  });
  const config = JSON.parse(fs.readFileSync(p.configFile, 'utf8')) as { jobs: { handler: string }[] };
  config.jobs[0].handler = 'sum_handler.SumHandler';
  p.write('configs/job_config.json', JSON.stringify(config, null, 2));
  p.write(
    'src/joborchrestrator/handler/sum_handler.js',
    "const { GenericJobHandler } = require('fastasyncio');\nexports.SumHandler = class SumHandler extends GenericJobHandler {\n  async aggregate(results) {\n    return { sum: Object.values(results).reduce((a, b) => a + b, 0) };\n  }\n};\n",
  );
  return p;
}

describe('fastasyncio graph --format html', () => {
  test('a self-contained page of the job: its tasks, all pending', async () => {
    const p = sample();
    const { code, stdout, stderr } = await cli(['graph', p.configFile, 'job1', '--format', 'html']);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^<!DOCTYPE html>/);
    assert.match(
      stdout,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src 'unsafe-inline'; img-src data:">/,
    );
    const model = pageModel(stdout);
    assert.deepEqual(
      model.tasks.map((t) => [t.id, t.dependencies, t.stage]),
      [
        ['A', [], 1],
        ['B', ['A'], 2],
        ['C', ['A'], 2],
        ['D', ['B'], 3],
      ],
    );
    assert.equal(model.run, undefined);
    assert.equal(model.tasks[0].module, path.join(p.root, 'src/job/task/a.js'));
    assert.equal(model.configFile, p.configFile);
  });

  test("--run: the run's statuses, results, errors and the handler's output; --out writes the page to a file", async () => {
    const p = sample();
    const run = await cli(['run', p.configFile, 'job1', '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const summary = JSON.parse(run.stdout) as RunSummary;
    const out = path.join(p.root, 'graph.html');
    // The job can be left out: the run's.
    const { code, stdout, stderr } = await cli(['graph', p.configFile, '--format', 'html', '--run', summary.runId, '--out', out]);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '');
    const model = pageModel(fs.readFileSync(out, 'utf8'));
    assert.equal(model.run?.runId, summary.runId);
    assert.deepEqual(
      Object.fromEntries(model.tasks.map((t) => [t.id, taskRun(model, t.id)?.status])),
      Object.fromEntries(Object.entries(summary.tasks).map(([id, t]) => [id, t.status])),
    );
    assert.deepEqual(model.run?.output, { sum: 3 });
    assert.equal(taskRun(model, 'C')?.result, 2);
    assert.match(taskRun(model, 'B')?.error?.stack ?? '', /B broke\n\s+at /);
  });

  test('an unknown run, a run of another job, --run without html: exit 2 and one line', async () => {
    const p = sample();
    const missing = await cli(['graph', p.configFile, 'job1', '--format', 'html', '--run', '20990101T000000000Z-000000'], { cwd: p.root });
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, `fastasyncio graph: no run "20990101T000000000Z-000000" in .fastasyncio/runs (fastasyncio runs lists them)\n${USAGE}\n`);
    const malformed = await cli(['graph', p.configFile, 'job1', '--format', 'html', '--run', '../../etc/passwd']);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /^fastasyncio graph: no run "\.\.\/\.\.\/etc\/passwd" in /);
    const noHtml = await cli(['graph', p.configFile, 'job1', '--run', '20990101T000000000Z-000000']);
    assert.equal(noHtml.code, 2);
    assert.equal(noHtml.stderr, `fastasyncio graph: --run draws a run over the graph, in the HTML page: add --format html\n${USAGE}\n`);
    const config = JSON.parse(fs.readFileSync(p.configFile, 'utf8')) as { jobs: { name: string }[] };
    p.write('configs/job_config.json', JSON.stringify({ jobs: [...config.jobs, { ...config.jobs[0], name: 'job2' }] }));
    const runId = (JSON.parse((await cli(['run', p.configFile, 'job1', '--format', 'json'])).stdout) as RunSummary).runId;
    const other = await cli(['graph', p.configFile, 'job2', '--format', 'html', '--run', runId]);
    assert.equal(other.code, 2);
    assert.match(other.stderr, new RegExp(`^fastasyncio graph: run ${runId} is a run of job "job1", not of "job2"\n`));
    const format = await cli(['graph', p.configFile, 'job1', '--format', 'svg']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /^fastasyncio graph: --format must be one of mermaid, dot, json, html, got "svg"\n/);
  });

  test('--help prints the usage line; the other formats are as they were', async () => {
    assert.deepEqual(await cli(['graph', '--help']), { code: 0, stdout: `${USAGE}\n`, stderr: '' });
    const p = sample();
    assert.match((await cli(['graph', p.configFile, 'job1'])).stdout, /^flowchart LR\n/);
    const out = path.join(p.root, 'plan.dot');
    assert.equal((await cli(['graph', p.configFile, 'job1', '--format', 'dot', '--out', out])).code, 0);
    assert.match(fs.readFileSync(out, 'utf8'), /^digraph "job1" \{/);
  });
});
