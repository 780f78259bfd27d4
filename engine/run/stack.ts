import * as path from 'node:path';

/**
 * Where the engine's own code is: the bundle this runs from (dist/cli-main.js, the extension's, the
 * server's), or the engine's folder when it runs from its sources.
 */
const ENGINE = __filename.endsWith('.ts') ? path.resolve(__dirname, '..') + path.sep : __filename;

const FRAME = /^\s+at /;

/**
 * A task's (or handler's) error stack as its author reads it: its message and the frames of its own code,
 * down to the first frame in the engine, which called it. Those below say nothing to the author, and in a
 * bundle they are minified names. A stack that begins in the engine keeps only its message.
 */
export function withoutEngineFrames(stack: string): string {
  const lines = stack.split('\n');
  for (let i = 1; i < lines.length; i++) {
    if (FRAME.test(lines[i]) && lines[i].includes(ENGINE)) return lines.slice(0, i).join('\n');
  }
  return stack;
}
