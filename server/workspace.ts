import * as path from 'node:path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LayoutDefaults } from '../engine/config/layout';
import { decodeUtf8 } from '../engine/config/text';
import { WorkspaceFiles, isInside } from './files';
import { globMatcher } from './glob';
import { CONFIG_GLOBS, DEFAULT_SETTINGS, type FastAsyncioSettings } from './protocol';
import { parseDocument, type ParsedDocument, pathToUri, uriToPath } from './service';

/** Config files on disk bigger than this are not read (open documents of any size are analysed). */
const MAX_CONFIG_BYTES = 64_000_000;

interface Cached {
  doc: ParsedDocument;
  generation: number;
}

/**
 * The server's state: the workspace folders, the settings, the configs found on disk, the open
 * documents, and one parsed analysis per config version (made when first asked for, then reused).
 */
export class Workspace {
  folders: string[] = [];
  settings: FastAsyncioSettings = DEFAULT_SETTINGS;
  /** Configs found on disk (absolute paths). */
  readonly configs = new Set<string>();
  readonly files: WorkspaceFiles;
  /** Whether watched-file events keep the file caches fresh (else they are dropped before each analysis). */
  watching = false;
  private readonly open = new Map<string, TextDocument>();
  private readonly cache = new Map<string, Cached>();
  private isConfigGlob = globMatcher(CONFIG_GLOBS);

  constructor() {
    this.files = new WorkspaceFiles((file) => this.open.get(file)?.getText());
  }

  setFolders(folders: string[]): void {
    this.folders = folders;
    this.updateRoots();
  }

  setSettings(settings: FastAsyncioSettings): void {
    this.settings = settings;
    this.isConfigGlob = globMatcher([...CONFIG_GLOBS, ...settings.configGlobs]);
    this.cache.clear();
  }

  /** Whether a file is a job config: it matches a config glob relative to its workspace folder. */
  isConfig(file: string): boolean {
    const folder = this.folderOf(file);
    const relative = folder ? path.relative(folder, file) : path.basename(file);
    return this.isConfigGlob(relative.split(path.sep).join('/'));
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
    this.open.delete(file);
    this.cache.delete(file);
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
    const doc = parseDocument({ uri: this.uriOf(file), file, version, files: this.files, defaults: this.defaults(file), ...input });
    this.cache.set(file, { doc, generation: this.files.generation });
    return doc;
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
    const { taskDir, handlerDir } = this.settings;
    return { taskDir: taskDir ? path.resolve(folder, taskDir) : undefined, handlerDir: handlerDir ? path.resolve(folder, handlerDir) : undefined };
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
