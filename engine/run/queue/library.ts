import * as fs from 'node:fs';
import * as path from 'node:path';

export type QueueLibrary = typeof import('./library-entry');

let library: QueueLibrary | undefined;

/**
 * BullMQ and ioredis, loaded on first use: `dist/queue.js` beside the bundled engine, or the sources
 * (tests). The path is computed, so the engine's bundle does not take them in.
 */
export function queueLibrary(): QueueLibrary {
  if (!library) {
    const bundled = path.join(__dirname, 'queue.js');
    const file = fs.existsSync(bundled) ? bundled : path.join(__dirname, 'library-entry');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a computed path, on purpose: see above
    library = require(file) as QueueLibrary;
  }
  return library;
}
