import * as fs from 'node:fs';
import type { ProjectFiles } from './files';

/** A view over the disk. Folder listings are cached for the life of the view (one analysis or one command). */
export function nodeFiles(): ProjectFiles {
  const dirs = new Map<string, readonly string[] | undefined>();
  return {
    readDir(dir) {
      if (!dirs.has(dir)) {
        let entries: string[] | undefined;
        try {
          entries = fs.readdirSync(dir);
        } catch {
          entries = undefined;
        }
        dirs.set(dir, entries);
      }
      return dirs.get(dir);
    },
    readFile(file) {
      try {
        // Only regular files: reading a FIFO or a device would block.
        if (!fs.statSync(file).isFile()) return undefined;
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
