import * as path from 'node:path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isInside } from '../engine/config/folders';
import type { LayoutDefaults } from '../engine/config/layout';
import { decodeUtf8 } from '../engine/config/text';
import { WorkspaceFiles } from './files';
import { globMatcher } from './glob';
import { CONFIG_GLOBS, DEFAULT_SETTINGS, type FastAsyncioSettings, type RunSettings } from './protocol';
import { type DocumentInput, parseDocument, type ParsedDocument, pathToUri, uriToPath } from './service';
import { resolvePythonPath } from './settings';
import { TextChanges } from './text-changes';

/** Config files on disk bigger than this are not read (open documents of any size are analysed). */
const MAX_CONFIG_BYTES = 64_000_000;

interface Cached {
  doc: ParsedDocument;
  generation: number;
}

/**
 * The server's state: the workspace folders, the settings, the configs found on disk, the open
 * documents, and one parsed analysis per config version (made when first asked for, then reused).
 * Settings are resolved here and nowhere else: each workspace folder may have its own (they are
 * `resource`-scoped), the window's apply outside the folders.
 */
export class Workspace {
  folders: string[] = [];
  /** The window's settings (files outside every folder, and folders without their own). */
  settings: FastAsyncioSettings = DEFAULT_SETTINGS;
  private folderSettings: ReadonlyMap<string, FastAsyncioSettings> = new Map();
  /** Configs found on disk (absolute paths). */
  readonly configs = new Set<string>();
  readonly files: WorkspaceFiles;
  /** Whether watched-file events keep the file caches fresh (else they are dropped before each analysis). */
  watching = false;
  /** Where open documents changed since their last analysis, for the next one to start from it. */
  readonly changes = new TextChanges();
  private readonly open = new Map<string, TextDocument>();
  private readonly cache = new Map<string, Cached>();
  private readonly matchers = new Map<FastAsyncioSettings, (relative: string) => boolean>();

  constructor() {
    this.files = new WorkspaceFiles((file) => this.open.get(file)?.getText());
  }

  setFolders(folders: string[]): void {
    this.folders = folders;
    this.updateRoots();
  }

  /** The window's settings, and each folder's (absolute path → settings) when the client gave them. */
  setSettings(settings: FastAsyncioSettings, folders: ReadonlyMap<string, FastAsyncioSettings> = new Map()): void {
    this.settings = settings;
    this.folderSettings = folders;
    this.matchers.clear();
    this.cache.clear();
  }

  /** The settings that apply to a file: its workspace folder's, else the window's. */
  settingsOf(file: string): FastAsyncioSettings {
    const folder = this.folderOf(file);
    return (folder === undefined ? undefined : this.folderSettings.get(folder)) ?? this.settings;
  }

  /** The config globs the settings add, the window's and every folder's (what to watch besides CONFIG_GLOBS). */
  settingsGlobs(): string[] {
    return [...new Set([this.settings, ...this.folderSettings.values()].flatMap((s) => s.configGlobs))];
  }

  /** Whether a file is a job config: it matches a config glob (its folder's settings) relative to its workspace folder. */
  isConfig(file: string): boolean {
    const folder = this.folderOf(file);
    const relative = folder ? path.relative(folder, file) : path.basename(file);
    const settings = this.settingsOf(file);
    let matches = this.matchers.get(settings);
    if (!matches) {
      matches = globMatcher([...CONFIG_GLOBS, ...settings.configGlobs]);
      this.matchers.set(settings, matches);
    }
    return matches(relative.split(path.sep).join('/'));
  }

  /** What a run of the config uses from the settings, paths resolved against its workspace folder. */
  runSettings(file: string): RunSettings {
    const { defaultConcurrency, keepRuns, pythonPath, redisUrl } = this.settingsOf(file);
    const python = resolvePythonPath(pythonPath, this.folderOf(file) ?? path.dirname(file));
    return {
      ...this.defaults(file),
      ...(defaultConcurrency === undefined ? {} : { defaultConcurrency }),
      keepRuns,
      ...(python ? { python } : {}),
      ...(redisUrl ? { redis: redisUrl } : {}),
    };
  }

  folderOf(file: string): string | undefined {
    return this.folders.filter((f) => isInside(file, f)).sort((a, b) => b.length - a.length)[0];
  }

  /** Tracks an open document; returns its path when it is a config (else the server ignores it). */
  opened(doc: TextDocument): string | undefined {
    const file = uriToPath(doc.uri);
    if (!file || !this.isConfig(file)) return undefined;
    this.open.set(file, doc);
    if (this.folders.length === 0) this.updateRoots();
    return file;
  }

  closed(file: string): void {
    const doc = this.open.get(file);
    if (doc) this.changes.forget(doc.uri);
    this.open.delete(file);
    this.cache.delete(file);
  }

  /**
   * After the settings changed: tracks the open documents that are configs now, stops tracking those
   * that no longer are, and returns the latter.
   */
  retrack(docs: readonly TextDocument[]): string[] {
    const dropped = [...this.open.keys()].filter((file) => !this.isConfig(file));
    for (const file of dropped) this.closed(file);
    for (const doc of docs) this.opened(doc);
    return dropped;
  }

  /** The URI diagnostics of a config go to: the open document's own URI, else one made from the path. */
  uriOf(file: string): string {
    return this.open.get(file)?.uri ?? pathToUri(file);
  }

  /** The config behind a document URI, when the server handles it. */
  pathOf(uri: string): string | undefined {
    const file = uriToPath(uri);
    return file && (this.open.has(file) || this.configs.has(file)) ? file : undefined;
  }

  /** Every config the server reports on: those on disk and those open. */
  allConfigs(): string[] {
    return [...new Set([...this.configs, ...this.open.keys()])];
  }

  /** The parsed analysis of a config's current text (open document, else disk), made once per version. */
  document(file: string): ParsedDocument | undefined {
    const openDoc = this.open.get(file);
    const cached = this.cache.get(file);
    const version = openDoc?.version ?? -1;
    if (cached && cached.doc.version === version && (!this.watching || cached.generation === this.files.generation)) return cached.doc;
    // Without watched-file events nothing says when a module appears: look again for each new version.
    if (!this.watching) this.files.clear();
    const input = openDoc ? { text: openDoc.getText() } : this.readConfig(file);
    if (!input) return undefined;
    const previous = openDoc && cached ? this.editOf(openDoc, cached.doc, input.text) : undefined;
    const doc = parseDocument({ uri: this.uriOf(file), file, version, files: this.files, defaults: this.defaults(file), ...input, previous });
    this.cache.set(file, { doc, generation: this.files.generation });
    if (openDoc) this.changes.analysed(openDoc.uri, version);
    return doc;
  }

  /** The last analysis of an open config and where its text changed since, for the new one to start from. */
  private editOf(openDoc: TextDocument, last: ParsedDocument, text: string): DocumentInput['previous'] {
    const change = this.changes.changeSince(openDoc.uri, last.version, last.text.length, text.length);
    return change && { doc: last, change };
  }

  /** Drops the analysis of a config so that the next request makes a new one (with fresh file caches). */
  forget(file: string): void {
    this.cache.delete(file);
  }

  /** The folders a config's analysis last used, to tell which configs a changed file affects. */
  dependsOn(file: string, changed: string): boolean {
    const layout = this.cache.get(file)?.doc.layout();
    if (!layout) return true;
    return [layout.taskDir, layout.handlerDir].some((dir) => isInside(changed, dir) || isInside(dir, changed));
  }

  private readConfig(file: string): { text: string; invalidUtf8At?: number } | undefined {
    const bytes = this.files.readBytes(file, MAX_CONFIG_BYTES);
    return bytes && decodeUtf8(bytes);
  }

  /** The settings' task and handler folders, relative to the config's workspace folder. */
  private defaults(file: string): LayoutDefaults {
    const folder = this.folderOf(file) ?? path.dirname(file);
    const { taskDir, handlerDir } = this.settingsOf(file);
    return { ...(taskDir ? { taskDir: path.resolve(folder, taskDir) } : {}), ...(handlerDir ? { handlerDir: path.resolve(folder, handlerDir) } : {}) };
  }

  /** Without workspace folders (a single file opened), each open config's project is its root. */
  private updateRoots(): void {
    const roots = this.folders.length > 0 ? this.folders : [...this.open.keys()].map(projectRootOf);
    this.files.setRoots(roots);
  }
}

/** The seed's layout: a config in `configs/` belongs to the folder above. */
function projectRootOf(file: string): string {
  const dir = path.dirname(file);
  return path.basename(dir) === 'configs' ? path.dirname(dir) : dir;
}
