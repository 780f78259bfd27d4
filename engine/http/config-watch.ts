import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Analysis, hasErrors } from '../analysis/analyze';
import { readConfigFile } from '../analysis/read-config';
import { ConfigReadError } from '../config/read';
import type { Problem } from '../config/types';

/** One version of the config file as read and analysed. */
export interface ConfigVersion {
  /** 1, 2, ...: a new number whenever the text or its problems change. */
  version: number;
  /** Absolute path. */
  file: string;
  text: string;
  analysis: Analysis;
  /** No errors: runnable. */
  valid: boolean;
}

export interface ConfigWatchOptions {
  log?: (line: string) => void;
  /** Watch the config's folder and its task and handler folders (default true). */
  watch?: boolean;
  debounceMs?: number;
}

/**
 * The server's view of its config. A valid new version takes effect for new runs; an invalid one (or an
 * unreadable file) is reported while the last valid version stays in effect. Changes are noticed by
 * watching the folders (`fs.watch`), and `refresh()` (one `stat`) catches any edit the watcher missed.
 */
export class ConfigWatcher {
  private latestVersion: ConfigVersion | undefined;
  private lastValid: ConfigVersion | undefined;
  private unreadable: string | undefined;
  private counter = 0;
  private signature = '';
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly log: (line: string) => void;

  private constructor(
    readonly file: string,
    private readonly options: ConfigWatchOptions,
  ) {
    this.log = options.log ?? (() => {});
  }

  /** Reads the config for the first time and starts watching; a file that cannot be read throws `ConfigReadError`. */
  static open(file: string, options: ConfigWatchOptions = {}): ConfigWatcher {
    const watcher = new ConfigWatcher(path.resolve(file), options);
    const first = readConfigFile(watcher.file);
    watcher.signature = watcher.stat();
    watcher.accept(first.text, first.analysis);
    return watcher;
  }

  /** The latest version read; `undefined` only if the file became unreadable (see `readError`). */
  get latest(): ConfigVersion | undefined {
    return this.unreadable === undefined ? this.latestVersion : undefined;
  }

  /** The version new runs use: the latest valid one. */
  get inEffect(): ConfigVersion | undefined {
    return this.lastValid;
  }

  /** Why the file cannot be read now, if it cannot. */
  get readError(): string | undefined {
    return this.unreadable;
  }

  /** The number of the latest version (an unreadable file counts as one). */
  get version(): number {
    return this.counter;
  }

  /** Re-reads the config if its file changed since it was last read. */
  refresh(): void {
    if (this.stat() !== this.signature) this.reload();
  }

  /** Reads and analyses the config again (its task and handler folders may have changed too). */
  reload(): void {
    const signature = this.stat();
    let text: string;
    let analysis: Analysis;
    try {
      ({ text, analysis } = readConfigFile(this.file));
    } catch (error) {
      if (!(error instanceof ConfigReadError)) throw error;
      this.signature = signature;
      if (this.unreadable !== error.message) {
        this.unreadable = error.message;
        this.counter++;
        this.log(`config: ${error.message}; version ${this.lastValid?.version ?? 'none'} stays in effect`);
      }
      return;
    }
    this.signature = signature;
    const latest = this.latestVersion;
    if (this.unreadable === undefined && latest && latest.text === text && sameProblems(latest.analysis.problems, analysis.problems)) return;
    this.unreadable = undefined;
    this.accept(text, analysis);
  }

  private accept(text: string, analysis: Analysis): void {
    const valid = analysis.model !== undefined && !hasErrors(analysis.problems);
    const version: ConfigVersion = { version: ++this.counter, file: this.file, text, analysis, valid };
    this.latestVersion = version;
    if (valid) this.lastValid = version;
    const errors = analysis.problems.filter((p) => p.severity === 'error').length;
    this.log(
      valid
        ? `config version ${version.version}: in effect for new runs`
        : `config version ${version.version}: ${errors} error(s); ${this.lastValid ? `version ${this.lastValid.version} stays in effect` : 'no valid version to run'}`,
    );
    this.syncWatchers();
  }

  private stat(): string {
    try {
      const s = fs.statSync(this.file);
      return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    } catch {
      return 'unreadable';
    }
  }

  /** Watches the config's folder and the task and handler folders of the latest layout. */
  private syncWatchers(): void {
    if (this.options.watch === false || this.closed) return;
    const layout = (this.latestVersion ?? this.lastValid)?.analysis.model?.layout;
    const dirs = new Set([path.dirname(this.file), ...(layout ? [layout.taskDir, layout.handlerDir] : [])]);
    for (const [dir, watcher] of this.watchers) {
      if (dirs.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = fs.watch(dir, { persistent: false }, () => this.changed());
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, watcher);
      } catch {
        // A folder that does not exist (yet): `refresh()` still sees edits of the config itself.
      }
    }
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      try {
        this.reload();
      } catch (error) {
        this.log(`config: unexpected error while reloading: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }, this.options.debounceMs ?? 30);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((p, i) => {
    const q = b[i];
    return (
      p.code === q.code &&
      p.severity === q.severity &&
      p.message === q.message &&
      p.range.start.line === q.range.start.line &&
      p.range.start.character === q.range.start.character
    );
  });
}
