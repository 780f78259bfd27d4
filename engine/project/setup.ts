import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyEdits,
  type Edit,
  findNodeAtLocation,
  type FormattingOptions,
  getNodeValue,
  modify,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { DEFAULT_HANDLER_DIRS, DEFAULT_TASK_DIR } from '../config/layout';

/** Where a project keeps the runtime's declarations (under `.fastasyncio/`, which is git-ignored). */
export const TYPES_FILE = path.join('.fastasyncio', 'types', 'fastasyncio.d.ts');
/** The line `.gitignore` gets. */
export const IGNORE_LINE = '.fastasyncio/';

/** What set-up did to one file: `skipped` leaves it as it was, `reason` says why. */
export interface FileChange {
  /** Absolute path. */
  file: string;
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  reason?: string;
}

export interface SetUpResult {
  root: string;
  declarations: FileChange;
  tsconfig: FileChange;
  gitignore: FileChange;
}

export interface SetUpOptions {
  /** Absolute folders a new tsconfig.json includes (the task and handler folders); the default layout's otherwise. */
  folders?: readonly string[];
}

/**
 * Makes `import ... from 'fastasyncio'` resolve for TypeScript in the project at `root`, offline: copies
 * `declarationsFile` (the extension's dist/fastasyncio.d.ts) to `.fastasyncio/types/`, maps `fastasyncio`
 * to it in `tsconfig.json` (`compilerOptions.paths`, edited in place so comments and layout survive, or
 * a new small tsconfig), and ignores `.fastasyncio/` in `.gitignore`. Idempotent. A file it cannot read,
 * parse or write is reported in the result and left as it was; it never throws for one.
 */
export function setUpProject(root: string, declarationsFile: string, options: SetUpOptions = {}): SetUpResult {
  const typesFile = path.join(root, TYPES_FILE);
  return {
    root,
    declarations: step(typesFile, () => copyDeclarations(declarationsFile, typesFile)),
    tsconfig: step(path.join(root, 'tsconfig.json'), (file) => mapInTsconfig(file, typesFile, options.folders ?? defaultFolders(root))),
    gitignore: step(path.join(root, '.gitignore'), ignoreFolder),
  };
}

type Outcome = Omit<FileChange, 'file'>;

function step(file: string, run: (file: string) => Outcome): FileChange {
  try {
    return { file, ...run(file) };
  } catch (error) {
    return { file, action: 'skipped', reason: (error as NodeJS.ErrnoException).message ?? String(error) };
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function copyDeclarations(from: string, to: string): Outcome {
  const text = fs.readFileSync(from, 'utf8');
  const existing = readIfExists(to);
  if (existing === text) return { action: 'unchanged' };
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.writeFileSync(to, text);
  return { action: existing === undefined ? 'created' : 'updated' };
}

function defaultFolders(root: string): string[] {
  const handler = DEFAULT_HANDLER_DIRS.map((d) => path.join(root, d)).find((d) => fs.existsSync(d)) ?? path.join(root, DEFAULT_HANDLER_DIRS[0]);
  return [path.join(root, DEFAULT_TASK_DIR), handler];
}

/** `to` relative to `from`, with `/`, starting with `./` or `../` as tsconfig paths do. */
function relativeSpec(from: string, to: string): string {
  const relative = path.relative(from, to).split(path.sep).join('/');
  return relative.startsWith('../') || relative === '..' ? relative : `./${relative}`;
}

function mapInTsconfig(file: string, typesFile: string, folders: readonly string[]): Outcome {
  const root = path.dirname(file);
  const text = readIfExists(file);
  if (text === undefined) {
    const include = [...new Set(folders.map((f) => relativeSpec(root, f)))];
    const config = {
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        paths: { fastasyncio: [relativeSpec(root, typesFile)] },
      },
      include,
    };
    fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
    return { action: 'created' };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || tree?.type !== 'object') {
    const at = errors[0] ? `${printParseErrorCode(errors[0].error)} at line ${text.slice(0, errors[0].offset).split('\n').length}` : 'not a JSON object';
    return { action: 'skipped', reason: `not parseable (${at}); map fastasyncio by hand once it is fixed` };
  }
  // `paths` replaces an inherited one rather than merging with it: adding ours would drop the base's aliases.
  if (valueAt(tree, ['extends']) !== undefined && valueAt(tree, ['compilerOptions', 'paths']) === undefined) {
    return {
      action: 'skipped',
      reason: `it extends another tsconfig, whose "paths" a new one would replace; map fastasyncio to ${relativeSpec(root, typesFile)} by hand`,
    };
  }
  const baseUrl = valueAt(tree, ['compilerOptions', 'baseUrl']);
  // Paths are relative to baseUrl when there is one, else to the tsconfig's folder.
  const base = typeof baseUrl === 'string' ? path.resolve(root, baseUrl) : root;
  const wanted = [relativeSpec(base, typesFile)];
  const current = valueAt(tree, MAPPING_PATH);
  if (JSON.stringify(current) === JSON.stringify(wanted)) return { action: 'unchanged' };
  if (Array.isArray(current) && current.some((p) => typeof p === 'string' && fs.existsSync(path.resolve(base, p)))) {
    return { action: 'skipped', reason: `it already maps fastasyncio to ${current.join(', ')}` };
  }
  const edits = mapEdits(text, tree, wanted);
  if (typeof edits === 'string') return { action: 'skipped', reason: edits };
  fs.writeFileSync(file, applyEdits(text, edits));
  return { action: 'updated' };
}

const MAPPING_PATH = ['compilerOptions', 'paths', 'fastasyncio'];

function valueAt(tree: Node, at: string[]): unknown {
  const node = findNodeAtLocation(tree, at);
  return node && getNodeValue(node);
}

/**
 * The edits that set `compilerOptions.paths.fastasyncio`, touching nothing else: the value replaced
 * when there is one, else the missing part put before the first member of the deepest object there is
 * (so no other line is reformatted, and trailing commas and comments stay where they are); jsonc-parser
 * formats it into an empty object. A string when a part of the path is not an object.
 */
function mapEdits(text: string, tree: Node, wanted: string[]): Edit[] | string {
  let object = tree;
  let depth = 0;
  for (; depth < MAPPING_PATH.length; depth++) {
    const next = findNodeAtLocation(object, [MAPPING_PATH[depth]]);
    if (!next) break;
    if (depth === MAPPING_PATH.length - 1) return [{ offset: next.offset, length: next.length, content: JSON.stringify(wanted) }];
    if (next.type !== 'object') return `${MAPPING_PATH.slice(0, depth + 1).join('.')} is not an object`;
    object = next;
  }
  const first = object.children?.[0];
  if (!first) return modify(text, MAPPING_PATH, wanted, { formattingOptions: formatting(text) });
  let member = `${JSON.stringify(MAPPING_PATH[MAPPING_PATH.length - 1])}: ${JSON.stringify(wanted)}`;
  for (const key of MAPPING_PATH.slice(depth, -1).reverse()) member = `${JSON.stringify(key)}: { ${member} }`;
  const lineStart = text.lastIndexOf('\n', first.offset - 1) + 1;
  const indent = text.slice(lineStart, first.offset);
  const separator = /^[ \t]*$/.test(indent) ? `${text.includes('\r\n') ? '\r\n' : '\n'}${indent}` : ' ';
  return [{ offset: first.offset, length: 0, content: `${member},${separator}` }];
}

/** The indentation and line ends the file already uses. */
function formatting(text: string): FormattingOptions {
  const indent = /^[ \t]+(?=\S)/m.exec(text)?.[0];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent?.length ?? 2, eol };
}

/** `.fastasyncio` in any of the spellings that ignore the folder at the root. */
const IGNORES = /^(\*\*\/|\/)?\.fastasyncio(\/|\/\*\*?)?$/;

function ignoreFolder(file: string): Outcome {
  const text = readIfExists(file);
  if (text !== undefined && text.split(/\r?\n/).some((line) => IGNORES.test(line.trim()))) return { action: 'unchanged' };
  const eol = text?.includes('\r\n') ? '\r\n' : '\n';
  const before = text === undefined || text === '' || text.endsWith('\n') ? (text ?? '') : text + eol;
  fs.writeFileSync(file, `${before}${IGNORE_LINE}${eol}`);
  return { action: text === undefined ? 'created' : 'updated' };
}
