import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInside } from '../engine/config/folders';
import type { ProjectFiles } from '../engine/files';

/** Module files bigger than this are not read (a task module is a few kilobytes). */
const MAX_MODULE_BYTES = 4_000_000;

/**
 * The analysis' view of the disk for the server: only inside the workspace folders (symbolic links
 * that lead out are refused), open documents before the disk, and cached until a watched-file event
 * says what changed (or `recheck` finds a module that an analysis missed).
 */
export class WorkspaceFiles implements ProjectFiles {
  private readonly dirs = new Map<string, readonly string[] | undefined>();
  private readonly texts = new Map<string, string | undefined>();
  /** Per config, the folders where its last analysis missed a module (see `recheck`). */
  private readonly missedIn = new Map<string, readonly string[]>();
  private realRoots: string[] = [];
  /** Bumped on every change: analyses made before it are stale. */
  generation = 0;

  constructor(private readonly openText: (file: string) => string | undefined) {}

  setRoots(roots: readonly string[]): void {
    this.realRoots = roots.map((r) => real(r) ?? path.resolve(r));
    this.clear();
  }

  get roots(): readonly string[] {
    return this.realRoots;
  }

  /** Whether the server may read `file`: it (and what it links to) lies inside a workspace folder. */
  allowed(file: string): boolean {
    const target = realish(file);
    return this.realRoots.some((root) => isInside(target, root));
  }

  readDir(dir: string): readonly string[] | undefined {
    if (!this.dirs.has(dir)) this.dirs.set(dir, this.list(dir));
    return this.dirs.get(dir);
  }

  /** Remembers the folders where the analysis of `config` missed a module, for `recheck`. */
  missed(config: string, folders: readonly string[]): void {
    if (folders.length > 0) this.missedIn.set(config, folders);
    else this.missedIn.delete(config);
  }

  /**
   * Lists again, past the cache, the folders where the last analysis of `config` missed a module: a
   * client whose watcher missed an event (a new module) leaves them stale. One listing per folder, not
   * one look per task. Returns the entries that appeared or went away; any bumps `generation`.
   */
  recheck(config: string): { file: string; created: boolean }[] {
    const changed: { file: string; created: boolean }[] = [];
    for (const dir of this.missedIn.get(config) ?? []) {
      if (!this.dirs.has(dir)) continue;
      const before = new Set(this.dirs.get(dir));
      const now = this.list(dir);
      const after = new Set(now);
      for (const entry of after) if (!before.has(entry)) changed.push({ file: path.join(dir, entry), created: true });
      for (const entry of before) if (!after.has(entry)) changed.push({ file: path.join(dir, entry), created: false });
      this.dirs.set(dir, now);
    }
    if (changed.length > 0) this.generation++;
    return changed;
  }

  private list(dir: string): string[] | undefined {
    try {
      return this.allowed(dir) ? fs.readdirSync(dir) : undefined;
    } catch {
      return undefined;
    }
  }

  readFile(file: string): string | undefined {
    const open = this.openText(file);
    if (open !== undefined) return open;
    if (!this.texts.has(file)) this.texts.set(file, this.readBytes(file, MAX_MODULE_BYTES)?.toString('utf8'));
    return this.texts.get(file);
  }

  /** A file's bytes, uncached, when it is inside the workspace and not bigger than `maxBytes`. */
  readBytes(file: string, maxBytes: number): Buffer | undefined {
    try {
      if (!this.allowed(file)) return undefined;
      // Only regular files: reading a FIFO would block the server for ever.
      const stat = fs.statSync(file);
      if (!stat.isFile() || stat.size > maxBytes) return undefined;
      return fs.readFileSync(file);
    } catch {
      return undefined;
    }
  }

  /** Forgets what is known about `changed`, its folder and anything under it. */
  invalidate(changed: string): void {
    const parent = path.dirname(changed);
    for (const map of [this.dirs, this.texts]) {
      for (const key of map.keys()) if (key === parent || isInside(key, changed)) map.delete(key);
    }
    this.generation++;
  }

  clear(): void {
    this.dirs.clear();
    this.texts.clear();
    this.generation++;
  }
}

/** The real path of a file that may not exist yet: its nearest existing folder's real path, plus the rest. */
function realish(file: string): string {
  const resolved = path.resolve(file);
  for (let dir = resolved; ; dir = path.dirname(dir)) {
    const found = real(dir);
    if (found !== undefined) return path.join(found, path.relative(dir, resolved));
    if (path.dirname(dir) === dir) return resolved;
  }
}

function real(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
}
