import * as path from 'node:path';
import type { ProjectFiles } from '../files';
import { isInside } from './folders';

/** Module extensions, in the order they are looked for. `.py` modules are the seed's Python tasks. */
export const MODULE_EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs', '.py'] as const;

export type ModuleResolution =
  | { kind: 'found'; file: string }
  /** `expected` is the file that would fix it; `caseMismatch` an existing file whose name differs only in case. */
  | { kind: 'missing'; expected: string; caseMismatch?: string }
  | { kind: 'invalid'; reason: string };

/** The module file name of a task class: `Task1` lives in `task1.<ext>`. */
export function taskModuleName(className: string): string {
  return className.toLowerCase();
}

/**
 * A folder's module files, indexed: by base name (each with its path, made once, so that every analysis
 * hands the same string to `readFile` and to the model), by task class, and by lower-case base name for
 * case mismatches.
 */
class FolderIndex {
  /**
   * The path of each base name's module file, the first extension of `MODULE_EXTENSIONS` first: one
   * look-up of the name as it is, where a look-up of `base + ext` per extension made a string and hashed
   * it for each of 10,000 tasks. Only module files are kept: a map of every entry was a second map of
   * 100,000 paths for each collection to go through.
   */
  private readonly modules = new Map<string, string>();
  private lower: Map<string, string> | undefined;

  constructor(
    private readonly entries: readonly string[],
    folder: string,
  ) {
    for (const ext of MODULE_EXTENSIONS) {
      for (const e of entries) {
        if (e.length <= ext.length || !e.endsWith(ext)) continue;
        const base = e.slice(0, -ext.length);
        if (!this.modules.has(base)) this.modules.set(base, fileIn(folder, e));
      }
    }
  }

  /**
   * `taskModule` by class name, remembered with the listing: the look-up makes no lower-case copy, and
   * hashes nothing for the names `JSON.parse` interns (short ones); on a job of 100,000 tasks it cost half
   * as much as the look-up by module name. Emptied when it holds many more names than the folder has
   * modules (an editor's analyses see every name typed).
   */
  private readonly byClass = new Map<string, string | null>();

  /** The path of the module file whose base name is `base`. */
  module(base: string): string | undefined {
    return this.modules.get(base);
  }

  /**
   * The class names the analyses asked `taskModuleAt` for, by slot, and their files (`null`: none). An
   * analysis asks for its tasks in their order, the same as the analysis before unless the config changed
   * there: the names of a slot are compared, and a walk along two arrays replaces a look-up in a map of
   * 100,000 names, which cost a cache miss or two per task.
   */
  private readonly slotNames: string[] = [];
  private readonly slotFiles: (string | null)[] = [];

  /** `taskModule(className)`, for the `slot`-th task class an analysis looks up in this folder. */
  taskModuleAt(slot: number, className: string): string | undefined {
    if (this.slotNames[slot] !== className) {
      this.slotNames[slot] = className;
      this.slotFiles[slot] = this.taskModule(className) ?? null;
    }
    return this.slotFiles[slot] ?? undefined;
  }

  /** The path of the module file of the task class `className`, when it is a module name made of one identifier. */
  taskModule(className: string): string | undefined {
    let file = this.byClass.get(className);
    if (file === undefined) {
      if (this.byClass.size >= 2 * this.modules.size + 1_000) this.byClass.clear();
      const base = taskModuleName(className);
      file = (isIdentifier(base) ? this.modules.get(base) : undefined) ?? null;
      this.byClass.set(className, file);
    }
    return file ?? undefined;
  }

  /** The first module file (with a module extension) whose base name is `lowerBase` in lower case. */
  byLowerBase(lowerBase: string): string | undefined {
    if (!this.lower) {
      this.lower = new Map();
      for (const e of this.entries) {
        const dot = e.lastIndexOf('.');
        if (dot <= 0 || !(MODULE_EXTENSIONS as readonly string[]).includes(e.slice(dot))) continue;
        const lower = e.slice(0, dot).toLowerCase();
        if (!this.lower.has(lower)) this.lower.set(lower, e);
      }
    }
    return this.lower.get(lowerBase);
  }
}

/**
 * The indexes of folder listings, kept as long as the listing: `ProjectFiles` listings are read-only, and
 * the language server's view hands out the same listing until the folder changes, so the analysis it runs
 * on each change of a document does not index 100,000 names again. Per folder too: one listing may answer
 * two spellings of the same folder.
 */
const folderIndexes = new WeakMap<readonly string[], Map<string, FolderIndex>>();

function folderIndex(entries: readonly string[], folder: string): FolderIndex {
  let byFolder = folderIndexes.get(entries);
  if (!byFolder) folderIndexes.set(entries, (byFolder = new Map<string, FolderIndex>()));
  let index = byFolder.get(folder);
  if (!index) byFolder.set(folder, (index = new FolderIndex(entries, folder)));
  return index;
}

/**
 * Folder listings indexed once, so that resolving 10,000 modules in one folder costs one pass over its
 * listing instead of one per module. Make one per analysis: it caches what it has read.
 */
export class ModuleIndex {
  private readonly folders = new Map<string, FolderIndex>();
  private readonly normalized = new Map<string, string>();

  constructor(private readonly files: ProjectFiles) {}

  folder(folder: string): FolderIndex {
    let index = this.folders.get(folder);
    if (!index) {
      index = folderIndex(this.files.readDir(folder) ?? [], folder);
      this.folders.set(folder, index);
    }
    return index;
  }

  /** How many task classes this analysis has looked up in each folder: the next one's slot (see `FolderIndex.taskModuleAt`). */
  private readonly slots = new Map<FolderIndex, number>();

  /**
   * The module file of the task class `className` in `dir`, when there is one: the file `resolveModule(dir,
   * [taskModuleName(className)], …)` finds, without the array and the result it makes, for the 10,000
   * tasks of a job whose modules are where they should be. `undefined` says only that `resolveModule`
   * must tell what is wrong.
   */
  taskModule(dir: string, className: string): string | undefined {
    const folder = this.folder(this.normalize(dir));
    const slot = this.slots.get(folder) ?? 0;
    this.slots.set(folder, slot + 1);
    return folder.taskModuleAt(slot, className);
  }

  /** `path.join(dir)`, remembered. */
  normalize(dir: string): string {
    let normal = this.normalized.get(dir);
    if (normal === undefined) this.normalized.set(dir, (normal = path.join(dir)));
    return normal;
  }
}

export function moduleIndex(files: ProjectFiles): ModuleIndex {
  return new ModuleIndex(files);
}

/** `^[A-Za-z_][A-Za-z0-9_]*$`, a character at a time: a regular expression per task cost as much as the look-up. */
function isIdentifier(segment: string): boolean {
  if (segment.length === 0) return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
    if (!letter && (i === 0 || c < 0x30 || c > 0x39)) return false;
  }
  return true;
}

/**
 * `name` in `folder`, as one flat string (`join` copies): `folder + sep + name` is a rope of three
 * strings, and each look-up of it by a `ProjectFiles` view compares it piece by piece.
 */
function fileIn(folder: string, name: string): string {
  return folder.endsWith(path.sep) ? [folder, name].join('') : [folder, name].join(path.sep);
}

/**
 * Finds the module `segments` (folders, then the file name without extension) under `dir`. Only plain
 * identifiers are accepted and the result must stay inside `dir`, whatever the input: this is the one
 * place module paths are made, and the engine loads nothing it did not return. Pass one `index` for many
 * calls (see `moduleIndex`).
 */
export function resolveModule(
  dir: string,
  segments: readonly string[],
  files: ProjectFiles,
  preferredExt = '.ts',
  index: ModuleIndex = moduleIndex(files),
): ModuleResolution {
  if (segments.length === 0 || !segments.every(isIdentifier)) {
    return { kind: 'invalid', reason: `"${segments.join('.')}" is not a module name made of identifiers` };
  }
  const root = index.normalize(dir);
  // Identifiers hold no dots or slashes, so the file is inside `dir` by construction: one identifier is
  // a file name in `dir` itself; a path through folders is checked anyway.
  const folder = segments.length === 1 ? root : path.join(root, ...segments.slice(0, -1));
  const base = segments[segments.length - 1];
  if (segments.length > 1 && !isInside(fileIn(folder, base), root)) {
    return { kind: 'invalid', reason: `"${segments.join('.')}" points outside ${dir}` };
  }
  const entries = index.folder(folder);
  const file = entries.module(base);
  if (file !== undefined) return { kind: 'found', file };
  const caseMismatch = entries.byLowerBase(base.toLowerCase());
  return { kind: 'missing', expected: fileIn(folder, base + preferredExt), caseMismatch: caseMismatch && fileIn(folder, caseMismatch) };
}

/** Whether a module's text declares `class <name>` (TypeScript, JavaScript or Python). */
export function declaresClass(text: string, className: string): boolean {
  return classOffset(text, className) !== undefined;
}

/** What `\s` matches in a regular expression, without one per character (10,000 classes per analysis). */
function isWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Letters, digits, `_` and `$`: the characters that continue a name. */
function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24;
}

/**
 * The 0-based offset of `class <name>` in a module's text, for go-to-definition: the word `class` not
 * preceded by a name character or a dot, whitespace, then the name not followed by a name character.
 * (A search for the name with `indexOf` rather than a regular expression per class: a project of 10,000
 * tasks asks this 10,000 times.)
 */
export function classOffset(text: string, className: string): number | undefined {
  for (let i = text.indexOf(className); i !== -1; i = text.indexOf(className, i + 1)) {
    if (isNameChar(text.charCodeAt(i + className.length))) continue;
    let j = i;
    while (j > 0 && isWhitespace(text.charCodeAt(j - 1))) j--;
    if (j === i || j < 5 || !text.startsWith('class', j - 5)) continue;
    const before = j > 5 ? text.charCodeAt(j - 6) : -1;
    if (before !== -1 && (isNameChar(before) || before === 0x2e)) continue;
    return j - 5;
  }
  return undefined;
}

/**
 * The extension a handler module is looked for and created with, from the task folder's
 * (`dominantExtension`): `.py` beside Python tasks (the seed's), `.ts` otherwise.
 */
export function handlerExtension(taskExtension: string): string {
  return taskExtension === '.py' ? '.py' : '.ts';
}

/** The extension most of the task folder's modules have (`.py` for a seed project), for new modules. */
export function dominantExtension(files: ProjectFiles, dir: string): string {
  const entries = files.readDir(dir) ?? [];
  let ext = dominantExtensions.get(entries);
  if (ext === undefined) dominantExtensions.set(entries, (ext = countExtensions(entries)));
  return ext;
}

/** Per listing, as `folderIndexes`: the count goes through every entry of the task folder. */
const dominantExtensions = new WeakMap<readonly string[], string>();

function countExtensions(entries: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const ext = MODULE_EXTENSIONS.find((e) => entry.endsWith(e) && entry !== `base_task${e}` && !entry.startsWith('__'));
    if (ext) counts.set(ext, (counts.get(ext) ?? 0) + 1);
  }
  let best = '.ts';
  let bestCount = 0;
  for (const [ext, count] of counts) if (count > bestCount) [best, bestCount] = [ext, count];
  return best;
}
