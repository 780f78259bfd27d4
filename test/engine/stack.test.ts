import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { withoutEngineFrames } from '../../engine/run/stack';

// From its sources, the engine is the folder engine/ (in a bundle, the bundle's file).
const engine = path.resolve(__dirname, '../../engine');

test("a task's stack keeps its message and its own frames, down to the engine's first frame", () => {
  const stack = [
    'Error: two',
    'lines',
    '    at helper (/p/src/job/task/boom.ts:4:9)',
    '    at new Promise (<anonymous>)',
    '    at Boom.execute (/p/src/job/task/boom.ts:10:12)',
    `    at ${engine}/run/in-process-executor.ts:62:37`,
    '    at AsyncLocalStorage.run (node:async_hooks:346:14)',
    `    at GraphRun.startAttempt (${engine}/run/scheduler.ts:243:40)`,
  ].join('\n');
  assert.equal(withoutEngineFrames(stack), stack.split('\n').slice(0, 5).join('\n'));
});

test("an error the engine threw keeps only its message; a stack without the engine's frames is kept whole", () => {
  assert.equal(
    withoutEngineFrames(`TypeError: Boom has no execute(input, ctx) method\n    at x (${engine}/run/in-process-executor.ts:60:1)`),
    'TypeError: Boom has no execute(input, ctx) method',
  );
  const own =
    'Error: boom\n    at Boom.execute (/p/src/job/task/boom.ts:10:12)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)';
  assert.equal(withoutEngineFrames(own), own);
  // A message that mentions the engine's path is not a frame.
  assert.equal(withoutEngineFrames(`Error: cannot read ${engine}/x`), `Error: cannot read ${engine}/x`);
});
