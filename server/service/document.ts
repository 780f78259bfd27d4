import * as path from 'node:path';
import { type Node, parseTree } from 'jsonc-parser';
import { type Analysis, analyzeConfig } from '../../engine/analysis/analyze';
import { analyzeEdit, type TextChange } from '../../engine/analysis/edits';
import { type LayoutDefaults, resolveLayout } from '../../engine/config/layout';
import { scanStructure } from '../../engine/config/json-scan';
import { MAX_DEPTH } from '../../engine/config/syntax';
import type { LineIndex } from '../../engine/config/text';
import type { Problem, ProjectLayout, Range } from '../../engine/config/types';
import type { ProjectFiles } from '../../engine/files';
import { type Outline, outlineFromTree, type Span } from './outline';
import { outlineFromText } from './outline-scan';

/** Above this size no syntax tree is built (it costs about ten times the text in memory). */
const MAX_TREE_CHARS = 8_000_000;

export interface DocumentInput {
  uri: string;
  /** Absolute path of the config file. */
  file: string;
  version: number;
  text: string;
  files: ProjectFiles;
  /** Task and handler folders for configs that name none (from the settings). */
  defaults?: LayoutDefaults;
  invalidUtf8At?: number;
  /** The previous version's analysis and where the text changed since: only what changed is parsed again. */
  previous?: { doc: ParsedDocument; change: TextChange };
}

/**
 * A view of the files whose caches can go stale (the server's, when a client's watcher misses an
 * event): each analysis tells it where modules were missing, and it looks there again before the next
 * analysis of the same config, that is at each edit or save.
 */
export interface RecheckedFiles extends ProjectFiles {
  missed(config: string, folders: readonly string[]): void;
  recheck(config: string): unknown;
}

function isRechecked(files: ProjectFiles): files is RecheckedFiles {
  return 'recheck' in files && 'missed' in files;
}

/** The folders where the analysis looked for a module and did not find it (one entry per folder). */
function missedFolders(problems: readonly Problem[]): string[] {
  const folders = new Set<string>();
  for (const p of problems) {
    const expected = p.data?.expectedFile;
    if (expected && (p.code === 'missing-task' || p.code === 'missing-handler')) folders.add(path.dirname(expected));
  }
  return [...folders];
}

/**
 * One version of a config, parsed once: the analysis at once, everything else (the syntax tree, the
 * outline of jobs and tasks, the project layout) the first time a feature asks for it.
 */
export class ParsedDocument {
  readonly uri: string;
  readonly file: string;
  readonly version: number;
  readonly text: string;
  readonly files: ProjectFiles;
  readonly analysis: Analysis;
  private readonly defaults: LayoutDefaults | undefined;
  private treeCache: { node: Node | undefined } | undefined;
  private safeCache: boolean | undefined;
  private outlineCache: Outline | undefined;
  private layoutCache: ProjectLayout | undefined;

  constructor(input: DocumentInput) {
    this.uri = input.uri;
    this.file = input.file;
    this.version = input.version;
    this.text = input.text;
    this.files = input.files;
    this.defaults = input.defaults;
    const rechecked = isRechecked(input.files) ? input.files : undefined;
    rechecked?.recheck(input.file);
    const options = { file: input.file, files: input.files, invalidUtf8At: input.invalidUtf8At, defaults: input.defaults };
    const { previous } = input;
    this.analysis = previous
      ? analyzeEdit({ previous: { text: previous.doc.text, analysis: previous.doc.analysis }, text: input.text, change: previous.change }, options)
      : analyzeConfig(input.text, options);
    rechecked?.missed(input.file, missedFolders(this.analysis.problems));
  }

  get lines(): LineIndex {
    return this.analysis.lines;
  }

  range(span: Span): Range {
    return this.lines.range(span.start, span.end);
  }

  /**
   * The error-tolerant syntax tree, for features that work while the text is being typed. `undefined`
   * when the text nests deeper than the analysis allows (jsonc-parser recurses) or is huge.
   */
  tree(): Node | undefined {
    if (!this.treeCache) this.treeCache = { node: this.treeSafe() ? parseTree(this.text, [], { allowTrailingComma: true }) : undefined };
    return this.treeCache.node;
  }

  /** Whether jsonc-parser's recursive functions (`parseTree`, `getLocation`, `visit`) may see the text. */
  treeSafe(): boolean {
    this.safeCache ??= this.text.length <= MAX_TREE_CHARS && scanStructure(this.text, MAX_DEPTH, false).tooDeepAt === undefined;
    return this.safeCache;
  }

  /** The jobs and tasks with their places: scanned from the text when it is JSON, else from the tree. */
  outline(): Outline {
    if (!this.outlineCache) {
      this.outlineCache = this.analysis.value !== undefined ? outlineFromText(this.text) : outlineFromTree(this.tree());
    }
    return this.outlineCache;
  }

  /** Where the project's task and handler folders are, even when the text does not parse. */
  layout(): ProjectLayout {
    if (!this.layoutCache) {
      const value = this.analysis.value ?? layoutFields(this.tree());
      this.layoutCache = this.analysis.model?.layout ?? resolveLayout(this.file, value, this.files, this.defaults);
    }
    return this.layoutCache;
  }
}

export function parseDocument(input: DocumentInput): ParsedDocument {
  return new ParsedDocument(input);
}

/** `root`, `taskDir` and `handlerDir` of a config that does not parse, read from the tolerant tree. */
function layoutFields(root: Node | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const property of root?.type === 'object' ? (root.children ?? []) : []) {
    const [key, value] = property.children ?? [];
    if (key && value?.type === 'string' && ['root', 'taskDir', 'handlerDir'].includes(String(key.value))) {
      fields[String(key.value)] = String(value.value);
    }
  }
  return fields;
}
