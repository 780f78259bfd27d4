import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Folders never searched for configs. */
const SKIPPED = new Set(['node_modules', 'dist', 'out', 'build', '__pycache__']);
/** A workspace with more entries than this is searched only this far. */
const MAX_ENTRIES = 200_000;

/**
 * The files under the workspace folders that `isConfig` accepts. Hidden folders, dependency and build
 * folders are skipped, and symbolic links are not followed (nothing outside the folders is read).
 */
export async function findConfigs(folders: readonly string[], isConfig: (file: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  const queue = [...folders];
  let seen = 0;
  while (queue.length > 0 && seen < MAX_ENTRIES) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      seen++;
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED.has(entry.name)) queue.push(file);
      } else if (entry.isFile() && isConfig(file)) {
        found.push(file);
      }
    }
  }
  return found.sort();
}
