import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_STACK_LINES, shortenStack, TaskErrors, taskTooltip } from '../../client/task-errors';

const TRACEBACK =
  'Traceback (most recent call last):\n  File "/abs/src/job/task/task3.py", line 7, in execute\n    raise ValueError(\'bad input\')\nValueError: bad input';

describe("a failed task's tooltip", () => {
  it("shows the error's message and its traceback in a code block", () => {
    const tooltip = taskTooltip('Task3', 'failed', { message: 'ValueError: bad input', stack: TRACEBACK });
    assert.equal(tooltip, `**Task3** failed\n\nValueError: bad input\n\n\`\`\`text\n${TRACEBACK}\n\`\`\``);
    assert.equal(taskTooltip('Task1', 'succeeded', undefined), '**Task1** succeeded');
    assert.equal(taskTooltip('Task_2', 'failed', { message: 'bad *input*' }), '**Task\\_2** failed\n\nbad \\*input\\*');
  });

  it('keeps the end of a long Python traceback and the start of a long JavaScript stack', () => {
    const frames = Array.from({ length: 100 }, (_, i) => `  File "/p/m.py", line ${i + 1}, in f`);
    const python = shortenStack(['Traceback (most recent call last):', ...frames, 'RecursionError: maximum recursion depth exceeded'].join('\n'));
    const lines = python.split('\n');
    assert.equal(lines.length, MAX_STACK_LINES);
    assert.equal(lines[0], 'Traceback (most recent call last):');
    assert.equal(lines[1], '  … 73 lines omitted …');
    assert.equal(lines.at(-1), 'RecursionError: maximum recursion depth exceeded');
    const js = shortenStack(['Error: boom', ...Array.from({ length: 60 }, (_, i) => `    at f${i} (/p/t.ts:${i}:1)`)].join('\n')).split('\n');
    assert.equal(js.length, MAX_STACK_LINES);
    assert.equal(js[0], 'Error: boom');
    assert.equal(js.at(-1), '… 32 more lines');
    assert.ok(shortenStack(`Error: ${'x'.repeat(10_000)}`).length < 300);
  });

  it('cannot be closed early by backticks in the stack', () => {
    const tooltip = taskTooltip('T', 'failed', { message: 'm', stack: 'Error: ```oops```' });
    assert.match(tooltip, /\n````text\nError: ```oops```\n````$/);
  });
});

describe('errors read from a run record', () => {
  const event = (e: Record<string, unknown>, seq: number) => JSON.stringify({ runId: 'r1', seq, time: seq, ...e }) + '\n';

  it('give the stack of a failed task, also of a live run whose record grows, and nothing for others', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-errors-'));
    try {
      const file = path.join(dir, 'r1.jsonl');
      const failed = (task: string, message: string, seq: number) =>
        event({ type: 'task-finished', task, status: 'failed', attempts: 1, durationMs: 5, error: { message, stack: TRACEBACK } }, seq);
      fs.writeFileSync(
        file,
        event({ type: 'run-started', job: 'job1', tasks: [], stages: [] }, 1) +
          event({ type: 'task-log', task: 'Task3', message: 'the "error" word and "task-finished"' }, 2) +
          failed('Task3', 'ValueError: bad input', 3) +
          event({ type: 'task-finished', task: 'Task1', status: 'succeeded', attempts: 1, durationMs: 1, result: { error: 'none' } }, 4),
      );
      const errors = new TaskErrors();
      assert.deepEqual(await errors.get(file, 'Task3'), { message: 'ValueError: bad input', stack: TRACEBACK });
      assert.equal(await errors.get(file, 'Task1'), undefined);
      assert.equal(await errors.get(file, 'Task4'), undefined);
      fs.appendFileSync(file, failed('Task4', 'KeyError: x', 5));
      assert.equal((await errors.get(file, 'Task4'))?.message, 'KeyError: x');
      assert.equal(await errors.get(path.join(dir, 'gone.jsonl'), 'Task3'), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
