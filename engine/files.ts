/**
 * The analysis' read-only view of the project's files. The analysis never touches the disk itself:
 * the CLI passes a view over `fs`, the language server one over its open documents and the disk,
 * tests and benchmarks one in memory.
 */
export interface ProjectFiles {
  /** The names of the entries of a folder, or `undefined` when it does not exist. */
  readDir(dir: string): readonly string[] | undefined;
  /** A file's text, or `undefined` when it cannot be read. */
  readFile(file: string): string | undefined;
}

/** An in-memory view: `files` maps absolute paths to contents. */
export function memoryFiles(files: Record<string, string> | Map<string, string>): ProjectFiles {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  const dirs = new Map<string, string[]>();
  for (const file of map.keys()) {
    const slash = file.lastIndexOf('/');
    const dir = file.slice(0, slash) || '/';
    let entries = dirs.get(dir);
    if (!entries) dirs.set(dir, (entries = []));
    entries.push(file.slice(slash + 1));
  }
  return {
    readDir: (dir) => dirs.get(dir.replace(/\/+$/, '') || '/'),
    readFile: (file) => map.get(file),
  };
}
