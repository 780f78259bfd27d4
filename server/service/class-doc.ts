/**
 * The documentation a module gives a class, for hover: a Python docstring (a string literal as the first
 * statement of the class' body) or a JSDoc comment (`/** … *\/` right before `class`, modifiers such as
 * `export` between them). Read from the text alone: nothing is imported or run.
 */

/** A hover shows this much of a class' documentation at most. */
const MAX_DOC_LINES = 20;
const MAX_DOC_CHARS = 1500;

/** `class Name`, its bases if any (one level of brackets inside), the colon: what a docstring follows. */
const PYTHON_HEADER = /class\s+[A-Za-z_][A-Za-z0-9_]*\s*(?:\((?:[^()]|\([^()]*\))*\))?\s*:/y;
/** The first statement of the body is a string: its prefix and its quotes. */
const PYTHON_STRING_START = /(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*([rRuU]?)("""|'''|"|')/y;

/** The Markdown of the class' documentation when it has some; `classAt` is the offset of its `class` keyword. */
export function classDoc(text: string, classAt: number, file: string): string | undefined {
  const doc = file.endsWith('.py') ? pythonDocstring(text, classAt) : jsDocBefore(text, classAt);
  return doc ? shorten(doc) : undefined;
}

function pythonDocstring(text: string, classAt: number): string | undefined {
  PYTHON_HEADER.lastIndex = classAt;
  if (!PYTHON_HEADER.exec(text)) return undefined;
  PYTHON_STRING_START.lastIndex = PYTHON_HEADER.lastIndex;
  const start = PYTHON_STRING_START.exec(text);
  if (!start) return undefined;
  const quote = start[2];
  const from = PYTHON_STRING_START.lastIndex;
  const to = text.indexOf(quote, from);
  if (to === -1 || (quote.length === 1 && text.slice(from, to).includes('\n'))) return undefined;
  const raw = text.slice(from, to);
  return escapeMarkdown(cleandoc(start[1] ? raw : raw.replace(/\\(["'\\])/g, '$1')));
}

/** Python's `inspect.cleandoc`: the first line stripped, the common indent of the others removed, blank ends dropped. */
function cleandoc(doc: string): string {
  const [first, ...rest] = doc.replace(/\t/g, '    ').split(/\r?\n/);
  const indents = rest.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const margin = indents.length > 0 ? Math.min(...indents) : 0;
  const lines = [first.trim(), ...rest.map((l) => l.slice(margin).trimEnd())];
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** Modifiers that may stand between a JSDoc comment and `class`. */
const MODIFIERS = /(?:\b(?:export|default|abstract|declare)\s+)*$/;

function jsDocBefore(text: string, classAt: number): string | undefined {
  const before = text.slice(0, classAt).replace(MODIFIERS, '').trimEnd();
  if (!before.endsWith('*/')) return undefined;
  const open = before.lastIndexOf('/**');
  if (open === -1 || before.indexOf('*/', open) !== before.length - 2) return undefined;
  const lines = before
    .slice(open + 3, -2)
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*\*? ?/, '').trimEnd());
  // The description: what comes before the first block tag (`@param`, `@example`, ...).
  const tag = lines.findIndex((line) => line.startsWith('@'));
  const description = (tag === -1 ? lines : lines.slice(0, tag)).join('\n').trim();
  return description || undefined;
}

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~]/g;

/** A docstring is plain text, not Markdown: shown as written, its line breaks kept. */
function escapeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(MARKDOWN_SPECIAL, '\\$&'))
    .join('  \n')
    .replace(/ {2}\n {2}\n/g, '\n\n');
}

function shorten(doc: string): string {
  let lines = doc.split('\n');
  if (lines.length > MAX_DOC_LINES) lines = [...lines.slice(0, MAX_DOC_LINES), '…'];
  const text = lines.join('\n');
  return text.length > MAX_DOC_CHARS ? `${text.slice(0, MAX_DOC_CHARS - 1)}…` : text;
}
