import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelEntries, logTimestamp, replayedLines } from '../../client/channel-lines';
import { frameLinks } from '../../client/traceback-links';
import type { RunEvent } from '../../engine/run/events';

const base = { runId: 'r1', seq: 1, time: 0 };
const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/abs/src/job/task/task3.py", line 7, in execute',
  "    raise ValueError('bad input')",
  'ValueError: bad input',
].join('\n');

describe('the output channel', () => {
  it('shows the level of warning, error and critical logging lines, and writes them at it', () => {
    const log = (level?: 'debug' | 'info' | 'warning' | 'error' | 'critical'): RunEvent => ({
      type: 'task-log',
      ...base,
      task: 'Task1',
      message: 'disk almost full',
      ...(level ? { level } : {}),
    });
    assert.deepEqual(channelEntries(log('warning')), [{ level: 'warn', text: '  Task1: WARNING: disk almost full' }]);
    assert.deepEqual(channelEntries(log('error')), [{ level: 'error', text: '  Task1: ERROR: disk almost full' }]);
    assert.deepEqual(channelEntries(log('critical')), [{ level: 'error', text: '  Task1: CRITICAL: disk almost full' }]);
    for (const quiet of [undefined, 'debug', 'info'] as const)
      assert.deepEqual(channelEntries(log(quiet)), [{ level: 'info', text: '  Task1: disk almost full' }]);
    const runLog: RunEvent = { type: 'run-log', ...base, message: 'no handler hooks', level: 'warning' };
    assert.deepEqual(channelEntries(runLog), [{ level: 'warn', text: '  WARNING: no handler hooks' }]);
  });

  it("prints a failed task's whole traceback under its failure line", () => {
    const failed: RunEvent = {
      type: 'task-finished',
      ...base,
      task: 'Task3',
      status: 'failed',
      attempts: 1,
      durationMs: 12,
      error: { message: 'ValueError: bad input', stack: TRACEBACK },
    };
    const [entry, ...more] = channelEntries(failed);
    assert.deepEqual(more, []);
    assert.equal(entry.level, 'error');
    assert.equal(entry.text, `✗ Task3 failed in 12ms: ValueError: bad input\n${TRACEBACK}`);
  });

  it('writes the other events at the levels they had', () => {
    const skipped: RunEvent = { type: 'task-finished', ...base, task: 'T', status: 'skipped', attempts: 0, durationMs: 0 };
    assert.equal(channelEntries(skipped)[0].level, 'warn');
    const ok: RunEvent = { type: 'task-finished', ...base, task: 'T', status: 'succeeded', attempts: 1, durationMs: 3 };
    assert.deepEqual(channelEntries(ok), [{ level: 'info', text: '✓ T succeeded in 3ms' }]);
  });
});

describe("a run's end in the output channel", () => {
  const finished = (status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted'): RunEvent => ({
    type: 'run-finished',
    ...base,
    status,
    durationMs: 1500,
    summary: { job: 'job1', runId: 'r1', status, durationMs: 1500, tasks: {} },
  });

  it('is a warning when the run was cancelled (the user asked for it), an error when it failed or was interrupted', () => {
    assert.deepEqual(channelEntries(finished('succeeded')), [{ level: 'info', text: '✓ job1 succeeded in 1.50s' }]);
    assert.deepEqual(channelEntries(finished('cancelled')), [{ level: 'warn', text: '■ job1 cancelled in 1.50s' }]);
    assert.equal(channelEntries(finished('failed'))[0].level, 'error');
    assert.equal(channelEntries(finished('interrupted'))[0].level, 'error');
  });
});

describe('a recorded run replayed ("Show Run Log")', () => {
  // 2025-03-04 05:06:07.089 in the local time zone, as the log channel prints it.
  const time = new Date(2025, 2, 4, 5, 6, 7, 89).getTime();

  it('prints times as the log channel does: local, with milliseconds, padded', () => {
    assert.equal(logTimestamp(time), '2025-03-04 05:06:07.089');
    assert.equal(logTimestamp(new Date(2025, 11, 31, 23, 59, 59, 999).getTime()), '2025-12-31 23:59:59.999');
  });

  it("keeps each event's own time and level, in the log channel's format", () => {
    const ok: RunEvent = { type: 'task-finished', ...base, time, task: 'Task1', status: 'succeeded', attempts: 1, durationMs: 3 };
    assert.deepEqual(replayedLines(ok), ['2025-03-04 05:06:07.089 [info] ✓ Task1 succeeded in 3ms']);
    const later: RunEvent = { ...ok, time: time + 61_000 };
    assert.deepEqual(replayedLines(later), ['2025-03-04 05:07:08.089 [info] ✓ Task1 succeeded in 3ms']);
    const warning: RunEvent = { type: 'task-log', ...base, time, task: 'Task1', message: 'disk almost full', level: 'warning' };
    assert.deepEqual(replayedLines(warning), ['2025-03-04 05:06:07.089 [warning]   Task1: WARNING: disk almost full']);
  });

  it('prints the plan one stamped line per line, and a failure with its traceback under its one stamped line', () => {
    const started: RunEvent = {
      type: 'run-started',
      ...base,
      time,
      job: 'job1',
      configFile: '/p/configs/job_config.json',
      root: '/p',
      concurrency: null,
      tasks: [
        { id: 'Task1', className: 'Task1', dependencies: [], stage: 1 },
        { id: 'Task2', className: 'Task2', dependencies: ['Task1'], stage: 2 },
      ],
      stages: [
        { index: 1, tasks: ['Task1'], after: [] },
        { index: 2, tasks: ['Task2'], after: ['Task1'] },
      ],
    };
    assert.deepEqual(replayedLines(started), [
      '2025-03-04 05:06:07.089 [info] job1: run r1, 2 tasks in 2 stages',
      '2025-03-04 05:06:07.089 [info]   stage 1: Task1',
      '2025-03-04 05:06:07.089 [info]   stage 2: Task2 (after Task1)',
    ]);
    const failed: RunEvent = {
      type: 'task-finished',
      ...base,
      time,
      task: 'Task3',
      status: 'failed',
      attempts: 1,
      durationMs: 12,
      error: { message: 'ValueError: bad input', stack: TRACEBACK },
    };
    assert.deepEqual(replayedLines(failed), [`2025-03-04 05:06:07.089 [error] ✗ Task3 failed in 12ms: ValueError: bad input\n${TRACEBACK}`]);
  });
});

describe('links to traceback frames', () => {
  it('link `"path", line N` to that file and line, on the line and columns where it is', () => {
    const text = `2025-01-01 10:00:00.000 [error] ✗ Task3 failed in 12ms: ValueError: bad input\n${TRACEBACK}\n`;
    const links = frameLinks(text);
    assert.deepEqual(links, [{ line: 2, start: 7, end: 43, file: '/abs/src/job/task/task3.py', fileLine: 7 }]);
    const line = text.split('\n')[2];
    assert.equal(line.slice(links[0].start, links[0].end), '"/abs/src/job/task/task3.py", line 7');
  });

  it('find every frame, several to a text, Windows paths too, and skip frames that are not files', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "<frozen importlib._bootstrap>", line 1360, in _find_and_load',
      '  File "C:\\proj\\src\\job\\task\\task1.py", line 12, in execute',
      '    await self.step()',
      '  File "/venv/lib/python3.12/site-packages/lib.py", line 3, in step',
      'RuntimeError: no',
    ].join('\r\n');
    assert.deepEqual(
      frameLinks(text).map(({ line, file, fileLine }) => [line, file, fileLine]),
      [
        [2, 'C:\\proj\\src\\job\\task\\task1.py', 12],
        [4, '/venv/lib/python3.12/site-packages/lib.py', 3],
      ],
    );
  });

  it('keep the latest frames of a long log, and find none where there is no traceback', () => {
    const frames = Array.from({ length: 50 }, (_, i) => `  File "/p/t.py", line ${i + 1}, in f`).join('\n');
    const kept = frameLinks(frames, 10);
    assert.deepEqual(
      kept.map((l) => l.fileLine),
      Array.from({ length: 10 }, (_, i) => i + 41),
    );
    assert.equal(kept[0].line, 40);
    assert.deepEqual(frameLinks('at /p/t.ts:3:4\nFile "x" was not found'), []);
  });
});
