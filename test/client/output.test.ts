import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelEntries } from '../../client/channel-lines';
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
