import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { runJobInChild } from '../../engine/run/child-runner';
import type { RunEvent, RunSummary, TaskFinishedEvent } from '../../engine/run/events';
import { readRun } from '../../engine/run/records';
import { pythonExample, pythonProjects, pythonTask } from '../helpers/python';
import type { TempProject } from '../helpers/project';
import { taskModule } from '../helpers/project';

// Python tasks and handlers run by the real engine: the worker process (dist/cli.js, built by `npm test`)
// and the real Python runner in python3.

const project = pythonProjects();

async function run(
  p: TempProject,
  options: { job?: string; python?: string; signal?: AbortSignal } = {},
): Promise<{ summary: RunSummary; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const summary = await runJobInChild({ configFile: p.configFile, job: 'job1', onEvent: (e) => events.push(e), ...options });
  return { summary, events };
}

const logs = (events: RunEvent[], task: string) =>
  events.filter((e) => e.type === 'task-log' && e.task === task).map((e) => (e.type === 'task-log' ? e : never()));
const runLogs = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'run-log' ? [e.message] : []));
const finished = (events: RunEvent[], task: string) => events.find((e): e is TaskFinishedEvent => e.type === 'task-finished' && e.task === task);
function never(): never {
  throw new Error('unreachable');
}

describe('the seed project, unchanged', () => {
  test("examples/python: the seed's tasks (three import styles, a sync task) and Job1Handler run, results passed by name", async () => {
    const p = pythonExample();
    const { summary, events } = await run(p, { job: 'python-job1' });
    assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
    assert.deepEqual(summary.results.Task4, { task: 'Task4', value: 2 + 3 });
    assert.deepEqual(summary.output, { Task1: 1, Task2: 2, Task3: 3, Task4: 5 }, "the handler's aggregate is the run's output");
    assert.ok(
      runLogs(events).some((m) => m === 'Running Job1Handler'),
      'the handler logs its class name before super().run()',
    );
    assert.ok(runLogs(events)[0]?.startsWith('Python 3.'), `the interpreter is shown at the start: ${runLogs(events)[0]}`);
    const task1 = logs(events, 'Task1');
    assert.deepEqual(
      task1.map((e) => [e.message, e.level]),
      [['Task1 is running', 'info']],
    );
    assert.deepEqual(
      logs(events, 'Task3').map((e) => [e.message, e.stream]),
      [['Task3 is running', 'stdout']],
    );
    // Task1 and Task3 (sync, in a thread) run together: the whole job takes about three seconds, not four.
    assert.ok(summary.durationMs < 3900, `ran in ${summary.durationMs} ms`);
    const record = readRun(p.root, summary.runId) ?? [];
    assert.equal(record.at(-1)?.type, 'run-finished');
    assert.ok(record.some((e) => e.type === 'task-log' && e.message === 'Task1 is running' && e.level === 'info'));
  });
});

describe('Python tasks', () => {
  test('a job mixing TypeScript and Python passes results both ways', async () => {
    const p = project([{ name: 'First' }, { name: 'Py', dependencies: ['First'] }, { name: 'Last', dependencies: ['Py'] }], {
      ...taskModule('First', "return { from: 'js', n: 1 };"),
      ...pythonTask('Py', 'return {"from": "python", "n": input_data["First"]["n"] + 1, "saw": input_data["First"]["from"]}'),
      ...taskModule('Last', 'return { total: input.Py.n + 1, saw: input.Py.saw };'),
    });
    const { summary } = await run(p);
    assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
    assert.deepEqual(summary.results.Py, { from: 'python', n: 2, saw: 'js' });
    assert.deepEqual(summary.results.Last, { total: 3, saw: 'js' });
  });

  test('the context: params, attempt, job, task and run id, when execute takes a second parameter', async () => {
    const p = project([{ name: 'Ctx', params: { greeting: 'hi' } }], {
      ...pythonTask('Ctx', 'return {"params": ctx.params, "attempt": ctx.attempt, "job": ctx.job, "task": ctx.task, "run": ctx.run_id}'),
    });
    const { summary } = await run(p);
    assert.deepEqual(summary.results.Ctx, { params: { greeting: 'hi' }, attempt: 1, job: 'job1', task: 'Ctx', run: summary.runId });
  });

  test('print and logging while other tasks run are each attributed to their own task, with stream and level', async () => {
    const tasks = ['A', 'B', 'C'].map((name) => ({ name }));
    const files = Object.assign(
      {},
      ...['A', 'B', 'C'].map((name) =>
        pythonTask(
          name,
          `for i in range(20):\n    print(f"${name} line {i}")\n    logging.getLogger("x").warning("${name} warns %d", i)\n    await asyncio.sleep(0)\nreturn "${name}"`,
          { imports: 'import asyncio\nimport logging' },
        ),
      ),
    ) as Record<string, string>;
    const { summary, events } = await run(project(tasks, files));
    assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
    for (const name of ['A', 'B', 'C']) {
      const lines = logs(events, name);
      assert.deepEqual(
        lines.filter((e) => e.stream === 'stdout').map((e) => e.message),
        Array.from({ length: 20 }, (_, i) => `${name} line ${i}`),
      );
      assert.deepEqual(
        lines.filter((e) => e.level === 'warning').map((e) => e.message),
        Array.from({ length: 20 }, (_, i) => `${name} warns ${i}`),
      );
    }
  });

  test("an exception fails only its task, with the exception's type, message and the Python traceback", async () => {
    const p = project([{ name: 'Boom' }, { name: 'Fine' }], {
      ...pythonTask('Boom', 'raise ValueError("bad input")'),
      ...pythonTask('Fine', 'return 1'),
    });
    const { summary, events } = await run(p);
    assert.equal(summary.tasks.Fine.status, 'succeeded');
    assert.equal(summary.tasks.Boom.status, 'failed');
    assert.equal(summary.tasks.Boom.error, 'ValueError: bad input');
    const error = finished(events, 'Boom')?.error;
    assert.match(error?.stack ?? '', /^Traceback \(most recent call last\):/);
    assert.match(error?.stack ?? '', new RegExp(`File "${path.join(p.root, 'src/job/task/boom.py').replace(/[/.]/g, '\\$&')}", line 7, in execute`));
    assert.match(error?.stack ?? '', /ValueError: bad input\n?$/);
    assert.doesNotMatch(error?.stack ?? '', /_runner\.py/, "the runner's own frames are left out");
  });

  test('a result that is not JSON fails its task with a message that says where', async () => {
    const p = project([{ name: 'Odd' }], { ...pythonTask('Odd', 'return {"items": [1, 2, {3}]}') });
    const { summary } = await run(p);
    assert.equal(summary.tasks.Odd.status, 'failed');
    assert.match(summary.tasks.Odd.error ?? '', /not JSON-serialisable.*\['items'\]\[2\].*set/);
  });

  test('a module that fails to import fails its tasks with the traceback, not the run', async () => {
    const p = project([{ name: 'Broken' }, { name: 'Fine' }], {
      ...pythonTask('Fine', 'return 1'),
      'src/job/task/broken.py': 'import not_a_module_anywhere\n\nclass Broken:\n    async def execute(self, input_data=None):\n        return 1\n',
    });
    const { summary } = await run(p);
    assert.equal(summary.tasks.Fine.status, 'succeeded');
    assert.equal(summary.tasks.Broken.status, 'failed');
    assert.match(summary.tasks.Broken.error ?? '', /ModuleNotFoundError: No module named 'not_a_module_anywhere'/);
  });

  test('retries: a failing attempt is retried with the attempt number in the context', async () => {
    const p = project([{ name: 'Flaky', retries: 2, retryDelay: 0 }], {
      ...pythonTask('Flaky', 'if ctx.attempt < 3:\n    raise RuntimeError(f"attempt {ctx.attempt}")\nreturn ctx.attempt'),
    });
    const { summary } = await run(p);
    assert.equal(summary.tasks.Flaky.status, 'succeeded');
    assert.equal(summary.tasks.Flaky.attempts, 3);
    assert.equal(summary.results.Flaky, 3);
  });
});

describe('timeouts, cancelling and stuck Python', () => {
  test("a timeout cancels the task's asyncio task: its CancelledError handler and finally block run and print", async () => {
    const p = project([{ name: 'Slow', timeout: 0.5 }, { name: 'After' }], {
      ...pythonTask(
        'Slow',
        'try:\n    await asyncio.sleep(30)\nexcept asyncio.CancelledError:\n    print("cancelled, cleaning up")\n    raise\nfinally:\n    print("finally ran")',
        { imports: 'import asyncio' },
      ),
      ...pythonTask('After', 'return "ok"'),
    });
    const { summary, events } = await run(p);
    assert.equal(summary.tasks.Slow.status, 'timedOut');
    assert.equal(summary.results.After, 'ok');
    assert.deepEqual(
      logs(events, 'Slow').map((e) => e.message),
      ['cancelled, cleaning up', 'finally ran'],
    );
  });

  test('a task that blocks the event loop past its timeout: the Python process is killed, the others go on in a new one', async () => {
    const p = project([{ name: 'Blocker', timeout: 0.5 }, { name: 'Patient' }, { name: 'Later', dependencies: ['Patient'] }], {
      ...pythonTask('Blocker', 'time.sleep(60)', { imports: 'import time' }),
      ...pythonTask('Patient', 'await asyncio.sleep(0.3)\nreturn os.getpid()', { imports: 'import asyncio\nimport os' }),
      ...pythonTask('Later', 'return {"pid": os.getpid(), "before": input_data["Patient"]}', { imports: 'import os' }),
    });
    const started = Date.now();
    const { summary, events } = await run(p);
    assert.equal(summary.tasks.Blocker.status, 'timedOut');
    assert.equal(summary.tasks.Patient.status, 'succeeded', JSON.stringify(summary));
    assert.equal(summary.tasks.Later.status, 'succeeded');
    assert.ok(Date.now() - started < 10_000, 'not held up by the 60 s sleep');
    assert.ok(
      runLogs(events).some((m) => /Blocker blocked the Python event loop past its timeout/.test(m) && /Patient starts again/.test(m)),
      runLogs(events).join('\n'),
    );
  });

  test('a crash of the Python process fails the task that was running; later Python tasks run in a new process', async () => {
    const p = project([{ name: 'Crash' }, { name: 'Next', dependencies: ['Crash'] }, { name: 'Independent', dependencies: [] }], {
      ...pythonTask('Crash', 'os._exit(7)', { imports: 'import os' }),
      ...pythonTask('Next', 'return 1'),
      ...pythonTask('Independent', 'await asyncio.sleep(0.5)\nreturn 2', { imports: 'import asyncio' }),
    });
    // Independent is running when Crash kills the process: it fails too (nobody can tell which task crashed it).
    const { summary } = await run(p);
    assert.equal(summary.tasks.Crash.status, 'failed');
    assert.match(summary.tasks.Crash.error ?? '', /the Python process \(.*\) exited with code 7 while Crash was running/);
    assert.equal(summary.tasks.Next.status, 'skipped');
    assert.equal(summary.status, 'failed');
    // A second job shows a new process is started for later tasks.
    const q = project([{ name: 'Crash' }, { name: 'Then', dependencies: [] }], {
      ...pythonTask('Crash', 'os._exit(7)', { imports: 'import os' }),
      ...pythonTask('Then', 'await asyncio.sleep(0.2)\nreturn "after"', { imports: 'import asyncio' }),
    });
    const second = await run(q);
    assert.equal(second.summary.tasks.Crash.status, 'failed');
    assert.ok(['failed', 'succeeded'].includes(second.summary.tasks.Then.status));
  });

  test("cancelling the run cancels the Python tasks; their finally blocks run before the run's end", async () => {
    const p = project([{ name: 'Long' }], {
      ...pythonTask('Long', 'try:\n    print("started")\n    await asyncio.sleep(30)\nfinally:\n    print("cleaned up")', { imports: 'import asyncio' }),
    });
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const summary = await runJobInChild({
      configFile: p.configFile,
      job: 'job1',
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'task-log' && e.message === 'started') controller.abort();
      },
    });
    assert.equal(summary.status, 'cancelled');
    assert.equal(summary.tasks.Long.status, 'cancelled');
    assert.deepEqual(
      logs(events, 'Long').map((e) => e.message),
      ['started', 'cleaned up'],
    );
  });
});

describe('the interpreter', () => {
  test('none found: the run fails at once, saying what was tried and how to choose one', async () => {
    const p = project([{ name: 'Py' }], { ...pythonTask('Py', 'return 1') });
    const { summary, events } = await run(p, { python: path.join(p.root, 'no-such-python') });
    assert.equal(summary.status, 'failed');
    assert.match(summary.error ?? '', /the Python interpreter from --python \(.*no-such-python\) was not found/);
    assert.match(summary.error ?? '', /--python <path>, the FASTASYNCIO_PYTHON environment variable or the fastasyncio.pythonPath setting/);
    assert.equal(summary.tasks.Py.status, 'skipped');
    assert.ok(events.some((e) => e.type === 'run-log' && e.level === 'error'));
  });

  test('a .venv in the project root is used when nothing else is chosen', async () => {
    const p = project([{ name: 'Py' }], { ...pythonTask('Py', 'return sys.executable', { imports: 'import sys' }) });
    fs.mkdirSync(path.join(p.root, '.venv/bin'), { recursive: true });
    // A real environment: Python resolves its prefix from this link, as it does for a venv's python.
    fs.symlinkSync(fs.realpathSync(findOnPath('python3')), path.join(p.root, '.venv/bin/python'));
    const saved = process.env.FASTASYNCIO_PYTHON;
    delete process.env.FASTASYNCIO_PYTHON;
    try {
      const { summary, events } = await run(p);
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
      assert.ok(runLogs(events)[0]?.includes('from .venv'), runLogs(events)[0]);
    } finally {
      if (saved !== undefined) process.env.FASTASYNCIO_PYTHON = saved;
    }
  });

  test('an interpreter older than 3.9 is refused with its version', async () => {
    const p = project([{ name: 'Py' }], { ...pythonTask('Py', 'return 1') });
    // A real python3 made to report 3.8, running the real bootstrap.
    const old = p.write(
      'old-python',
      `#!/bin/sh\nshift\nexec ${findOnPath('python3')} -c 'import sys, runpy; sys.version_info = (3, 8, 10, "final", 0); sys.version = "3.8.10"; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")' "$@"\n`,
    );
    fs.chmodSync(old, 0o755);
    const { summary } = await run(p, { python: old });
    assert.equal(summary.status, 'failed');
    assert.match(summary.error ?? '', /is Python 3\.8\.10/);
    assert.match(summary.error ?? '', /needs Python 3\.9 or later/);
  });
});

function findOnPath(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`${name} is not on PATH`);
}

describe('Python handlers', () => {
  const handler = (body: string) => ({
    'src/joborchrestrator/handler/py_handler.py': `import logging\n\nfrom fastasyncio import GenericJobHandler\n\n\nclass PyHandler(GenericJobHandler):\n${body}\n`,
  });

  test('the hooks run around the graph, in order; aggregate is the output; logging is the run log', async () => {
    const p = project(
      [{ name: 'A' }, { name: 'B', dependencies: ['A'] }],
      {
        ...pythonTask('A', 'return 20'),
        ...taskModule('B', 'return input.A + 1;'),
        ...handler(
          [
            '    async def before_job(self, ctx):',
            '        logging.warning("before %s", ctx.job)',
            '    def aggregate(self, results):',
            '        return {"sum": results["A"] + results["B"]}',
            '    async def after_job(self, ctx, summary):',
            "        ctx.log(f\"after: {summary['status']} {sorted(summary['results'])}\")",
          ].join('\n'),
        ),
      },
      { handler: 'py_handler.PyHandler' },
    );
    const { summary, events } = await run(p);
    assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
    assert.deepEqual(summary.output, { sum: 41 });
    const lines = events.flatMap((e) => (e.type === 'run-log' ? [`${e.level ?? ''}|${e.message}`] : []));
    assert.ok(lines.includes('warning|before job1'), lines.join('\n'));
    assert.ok(lines.includes("info|after: running ['A', 'B']"), lines.join('\n'));
    const before = events.findIndex((e) => e.type === 'run-log' && e.message === 'before job1');
    const firstTask = events.findIndex((e) => e.type === 'task-started');
    assert.ok(before >= 0 && before < firstTask, 'before_job runs before the first task');
  });

  test('a handler that raises fails the run with its traceback; its tasks are skipped', async () => {
    const p = project(
      [{ name: 'A' }],
      { ...pythonTask('A', 'return 1'), ...handler('    async def before_job(self, ctx):\n        raise KeyError("config")') },
      { handler: 'py_handler.PyHandler' },
    );
    const { summary, events } = await run(p);
    assert.equal(summary.status, 'failed');
    assert.match(summary.error ?? '', /KeyError: 'config'/);
    assert.equal(summary.tasks.A.status, 'skipped');
    assert.ok(runLogs(events).some((m) => m.includes('Traceback (most recent call last)') && m.includes('py_handler.py')));
  });

  test('when a blocking task takes the Python process down, the handler goes on in the new one without before_job again', async () => {
    const p = project(
      [{ name: 'Blocker', timeout: 0.5 }, { name: 'Other' }],
      {
        ...pythonTask('Blocker', 'time.sleep(60)', { imports: 'import time' }),
        ...pythonTask('Other', 'await asyncio.sleep(1.5)\nreturn "other"', { imports: 'import asyncio' }),
        ...handler(
          '    async def before_job(self, ctx):\n        ctx.log("before_job")\n    async def aggregate(self, results, ctx):\n        return {"resumed": ctx.resumed, "results": results}',
        ),
      },
      { handler: 'py_handler.PyHandler' },
    );
    const { summary, events } = await run(p);
    assert.equal(summary.tasks.Blocker.status, 'timedOut');
    assert.equal(summary.tasks.Other.status, 'succeeded');
    assert.deepEqual(summary.output, { resumed: true, results: { Other: 'other' } });
    assert.equal(runLogs(events).filter((m) => m === 'before_job').length, 1);
  });
});
