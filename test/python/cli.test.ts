import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readRun } from '../../engine/run/records';
import { cli } from '../helpers/cli';
import { pythonExample, pythonProjects, pythonTask } from '../helpers/python';
import { serve } from '../http/harness';

// Python jobs from the outside: the built CLI (dist/cli.js) and the HTTP API, with the real python3.

const project = pythonProjects();

describe('fastasyncio run with Python tasks', () => {
  test('the seed example runs; the text output shows the interpreter and the tasks', async () => {
    const p = pythonExample();
    const { code, stdout, stderr } = await cli(['run', p.configFile, 'python-job1']);
    assert.equal(code, 0, stderr + stdout);
    assert.match(stdout, /Python 3\.\d+\.\d+ \(/);
    assert.match(stdout, /Task3: Task3 is running/);
    assert.match(stdout, /python-job1 succeeded/);
  });

  test('Ctrl-C (SIGINT) cancels the run: the Python task is cancelled, its finally block runs, exit 130', async () => {
    const p = project([{ name: 'Long' }], {
      ...pythonTask('Long', 'try:\n    print("started", flush=True)\n    await asyncio.sleep(30)\nfinally:\n    print("cleaned up")', {
        imports: 'import asyncio',
      }),
    });
    let sent = false;
    const { code, stdout } = await cli(['run', p.configFile, 'job1'], {
      onStdout: (text, child) => {
        if (!sent && text.includes('Long: started')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    assert.equal(code, 130, stdout);
    const [record] = p.records();
    const events = readRun(p.root, record.replace(/\.jsonl$/, '')) ?? [];
    const summary = events.at(-1)?.type === 'run-finished' ? events.at(-1) : undefined;
    assert.equal(summary?.type === 'run-finished' && summary.summary.tasks.Long.status, 'cancelled');
    const lines = events.flatMap((e) => (e.type === 'task-log' ? [e.message] : []));
    assert.deepEqual(lines, ['started', 'cleaned up']);
  });

  test("a failing task's traceback is printed under its line; a warning says so", async () => {
    const p = project([{ name: 'Fails' }], {
      ...pythonTask('Fails', 'logging.warning("disk almost full")\nraise ValueError("bad input")', { imports: 'import logging' }),
    });
    const { code, stdout } = await cli(['run', p.configFile, 'job1']);
    assert.equal(code, 1);
    assert.match(stdout, /^ {2}Fails: WARNING: disk almost full$/m);
    assert.match(
      stdout,
      /✗ Fails failed in \d+ms: ValueError: bad input\n {4}Traceback \(most recent call last\):\n {6}File ".*fails\.py", line 8, in execute\n/,
    );
  });

  test('--python naming nothing usable: the run fails with the reason; an empty --python is a usage error', async () => {
    const p = project([{ name: 'Py' }], { ...pythonTask('Py', 'return 1') });
    const missing = await cli(['run', p.configFile, 'job1', '--python', '/nowhere/python3']);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /the Python interpreter from --python \(\/nowhere\/python3\) was not found/);
    const empty = await cli(['run', p.configFile, 'job1', '--python', '']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--python must name an interpreter/);
  });
});

describe('the HTTP API with Python tasks', () => {
  test('POST /jobs/{job}/runs runs a Python job; GET /runs/{id} has its results', async () => {
    const s = await serve({
      config: { jobs: [{ name: 'py', handler: 'GenericJobHandler', tasks: [{ name: 'Hello' }, { name: 'World', dependencies: ['Hello'] }] }] },
      files: { ...pythonTask('Hello', 'return "hello"'), ...pythonTask('World', 'return input_data["Hello"] + " world"') },
    });
    const runId = await s.start('py');
    const summary = await s.finished(runId);
    assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
    assert.equal(summary.results.World, 'hello world');
  });
});
