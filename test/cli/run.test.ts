import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { RUN_USAGE } from '../../engine/cli/run';
import { readRun } from '../../engine/run/records';
import { CLI, cli } from '../helpers/cli';
import { oneJobProjects, type TempProject, taskModule, tempProject } from '../helpers/project';

const projects: TempProject[] = [];
after(() => projects.forEach((p) => p.remove()));

const project = oneJobProjects();

const ok = () => project([{ name: 'A' }, { name: 'B', dependencies: ['A'] }], { ...taskModule('A', 'return 20;'), ...taskModule('B', 'return input.A + 1;') });

describe('fastasyncio run', () => {
  test('--format json prints one summary object; exit 0 when it succeeds', async () => {
    const p = ok();
    const { code, stdout } = await cli(['run', p.configFile, 'job1', '--format', 'json']);
    assert.equal(code, 0);
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(summary).sort(), ['durationMs', 'job', 'results', 'runId', 'status', 'tasks']);
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual(summary.results, { A: 20, B: 21 });
    assert.deepEqual(summary.tasks && Object.keys(summary.tasks), ['A', 'B']);
    assert.deepEqual(Object.keys((summary.tasks as Record<string, object>).A).sort(), ['attempts', 'durationMs', 'status']);
    // Durations to 0.1 ms, not to the nanosecond.
    const durations = [summary.durationMs, ...Object.values(summary.tasks as Record<string, { durationMs: number }>).map((t) => t.durationMs)];
    for (const ms of durations) assert.equal(String(ms), String(Math.round((ms as number) * 10) / 10), `${String(ms)} is rounded to 0.1 ms`);
  });

  test('the config defaults to configs/job_config.json; piped text output is plain lines and a summary table', async () => {
    const p = ok();
    const { code, stdout } = await cli(['run', 'job1'], { cwd: p.root });
    assert.equal(code, 0);
    assert.ok(!stdout.includes('\u001b['), 'no escape codes when piped');
    assert.match(stdout, /✓ A succeeded in \d+ms/);
    assert.match(stdout, /^task\s+status\s+attempts\s+duration/m);
    assert.match(stdout, /^B\s+succeeded\s+1\s+/m);
  });

  test('a failed task: exit 1, with its error in the summary', async () => {
    const p = project([{ name: 'A' }], taskModule('A', "throw new Error('no luck');"));
    const { code, stdout } = await cli(['run', p.configFile, 'job1', '--format', 'json']);
    assert.equal(code, 1);
    const summary = JSON.parse(stdout) as { status: string; tasks: Record<string, { error?: string }> };
    assert.equal(summary.status, 'failed');
    assert.equal(summary.tasks.A.error, 'no luck');
  });

  test('a config with errors prints its diagnostics and exits 2 without running anything', async () => {
    const p = project([{ name: 'A', dependencies: ['Nope'] }], taskModule('A', 'return 1;'));
    const { code, stdout, stderr } = await cli(['run', p.configFile, 'job1']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /job_config\.json:\d+:\d+ error \[unknown-dependency\]/);
    assert.deepEqual(p.records(), []);
  });

  test('SIGINT cancels gracefully: exit 130, the summary printed, the record kept', async () => {
    const p = project([{ name: 'Slow' }, { name: 'After', dependencies: ['Slow'] }], {
      ...taskModule('Slow', 'await sleep(20000, ctx.signal);'),
      ...taskModule('After', 'return 1;'),
    });
    let sent = false;
    const { code, stdout } = await cli(['run', p.configFile, 'job1'], {
      onStdout: (text, child) => {
        if (!sent && text.includes('Slow started')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(code, 130);
    assert.match(stdout, /^Slow\s+cancelled/m);
    const [record] = p.records();
    const events = readRun(p.root, record.replace('.jsonl', ''))!;
    const last = events.at(-1);
    assert.equal(last?.type === 'run-finished' && last.status, 'cancelled');
  });

  test('Ctrl-C in a terminal (SIGINT to the whole process group) cancels gracefully: tasks see their signal abort', async () => {
    const p = project(
      [{ name: 'Slow' }],
      taskModule('Slow', "ctx.signal.addEventListener('abort', () => ctx.log('aborted: ' + ctx.signal.reason.message)); await sleep(20000, ctx.signal);"),
    );
    const child = spawn(process.execPath, [CLI, 'run', p.configFile, 'job1'], { detached: true });
    let stdout = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('Slow started') && !stdout.includes('SENT')) {
          stdout += 'SENT';
          process.kill(-child.pid!, 'SIGINT');
        }
      });
      child.on('close', resolve);
    });
    assert.equal(code, 130);
    assert.match(stdout, /Slow: aborted: the run was cancelled/);
  });

  test('a config without a job: the job is missing, and the jobs of the config', async () => {
    const p = ok();
    const usage = /^usage: fastasyncio run \[config\] <job> /;
    let result = await cli(['run', 'configs/job_config.json'], { cwd: p.root });
    assert.equal(result.code, 2);
    let lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'fastasyncio run: the job is missing; the jobs of configs/job_config.json: job1');
    assert.match(lines[1], usage);
    assert.equal(lines.length, 2);
    result = await cli(['run', 'configs/job_config.json', 'jbo1'], { cwd: p.root });
    assert.equal(result.code, 2);
    lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'fastasyncio run: no job "jbo1" (did you mean "job1"?); the jobs of configs/job_config.json: job1');
    assert.match(lines[1], usage);
    assert.equal(result.stdout, '');
  });

  test('an unknown option: one line with "did you mean", then the usage line', async () => {
    const p = ok();
    const { code, stdout, stderr } = await cli(['run', 'job1', '--concurency', '2'], { cwd: p.root });
    assert.equal(code, 2);
    assert.equal(stdout, '');
    const lines = stderr.trimEnd().split('\n');
    assert.deepEqual(lines, ['fastasyncio run: unknown option --concurency; did you mean --concurrency?', `usage: ${RUN_USAGE}`]);
    assert.deepEqual(p.records(), [], 'nothing ran');
  });

  test('a config with errors: its problems, paths relative to the working folder, exit 2, nothing runs', async () => {
    const p = project([{ name: 'A' }, { name: 'Missing', dependencies: ['A'] }], taskModule('A', 'return 1;'));
    const { code, stdout, stderr } = await cli(['run', 'job1'], { cwd: p.root });
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.deepEqual(stderr.trimEnd().split('\n'), [
      'configs/job_config.json:11:19 error [missing-task] Task class "Missing" has no module: expected src/job/task/missing.js',
      'fastasyncio run: configs/job_config.json has 1 error; fix it before running',
    ]);
    assert.deepEqual(p.records(), []);
  });

  test("one job's errors stop only that job: the others of the same config run", async () => {
    const p = tempProject(
      {
        jobs: [
          { name: 'good', handler: 'GenericJobHandler', tasks: [{ name: 'A' }] },
          { name: 'broken', handler: 'GenericJobHandler', tasks: [{ name: 'A' }, { name: 'Missing' }] },
        ],
      },
      taskModule('A', 'return 1;'),
    );
    projects.push(p);
    const good = await cli(['run', 'good', '--format', 'json'], { cwd: p.root });
    assert.equal(good.code, 0, good.stderr);
    assert.equal((JSON.parse(good.stdout) as { status: string }).status, 'succeeded');
    const broken = await cli(['run', 'broken'], { cwd: p.root });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /\[missing-task\] Task class "Missing"/);
    assert.equal(p.records().length, 1, 'only the good job ran');
  });

  test('usage errors: an unknown job or a bad --concurrency is one line and exit 2', async () => {
    const p = ok();
    for (const args of [['run', p.configFile, 'nope'], ['run', p.configFile, 'job1', '--concurrency', '0'], ['run']]) {
      const { code, stderr } = await cli(args);
      assert.equal(code, 2, args.join(' '));
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    }
  });
});

describe('fastasyncio list and graph', () => {
  test('list shows jobs and tasks', async () => {
    const p = ok();
    const { code, stdout } = await cli(['list', p.configFile]);
    assert.equal(code, 0);
    assert.match(stdout, /^job1 {2}\(GenericJobHandler, 2 tasks, 2 stages\)/m);
    assert.match(stdout, /^ {2}B ← A$/m);
  });

  test('graph on a config with errors prints its problems and exits 1, drawing nothing', async () => {
    const p = project(
      [
        { name: 'A', dependencies: ['B'] },
        { name: 'B', dependencies: ['A'] },
      ],
      { ...taskModule('A', ''), ...taskModule('B', '') },
    );
    const { code, stdout, stderr } = await cli(['graph', 'job1'], { cwd: p.root });
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const lines = stderr.trimEnd().split('\n');
    assert.ok(
      lines.slice(0, -1).every((l) => /^configs\/job_config\.json:\d+:\d+ error \[cycle\] /.test(l)),
      stderr,
    );
    assert.match(lines[lines.length - 1], /^fastasyncio graph: configs\/job_config\.json has \d errors?; fix (it|them) before drawing a job$/);
    // Without a job: which jobs there are.
    const missing = await cli(['graph', ok().configFile]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^fastasyncio graph: the job is missing; the jobs of .*job_config\.json: job1\n/);
  });

  test('graph prints the plan as mermaid, dot and json', async () => {
    const p = ok();
    const mermaid = await cli(['graph', p.configFile, 'job1']);
    assert.match(mermaid.stdout, /^flowchart LR/);
    assert.match(mermaid.stdout, /t_A --> t_B/);
    const dot = await cli(['graph', p.configFile, 'job1', '--format', 'dot']);
    assert.match(dot.stdout, /"A" -> "B";/);
    const json = JSON.parse((await cli(['graph', p.configFile, 'job1', '--format', 'json'])).stdout) as { stages: { tasks: string[] }[] };
    assert.deepEqual(
      json.stages.map((s) => s.tasks),
      [['A'], ['B']],
    );
  });
});
