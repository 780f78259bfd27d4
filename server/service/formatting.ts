import { format } from 'jsonc-parser';
import { type FormattingOptions, type Range, TextEdit } from 'vscode-languageserver-types';
import type { ParsedDocument } from './document';

/**
 * Formats the document (or a range of it): indentation and spacing are normalised. A document already
 * laid out over several lines keeps its line breaks (compact one-line task entries stay so); one written
 * on a single line is expanded.
 */
export function formatDocument(doc: ParsedDocument, options: FormattingOptions, range?: Range): TextEdit[] {
  // Formatting 100,000 nested brackets would indent its way to gigabytes of text.
  if (!doc.treeSafe()) return [];
  const span = range && { offset: doc.lines.offset(range.start), length: doc.lines.offset(range.end) - doc.lines.offset(range.start) };
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const keepLines = doc.text.trim().includes('\n');
  const edits = format(doc.text, span, {
    tabSize: options.tabSize,
    insertSpaces: options.insertSpaces,
    eol,
    keepLines,
    insertFinalNewline: options.insertFinalNewline,
  });
  return edits.map((e) => TextEdit.replace(doc.lines.range(e.offset, e.offset + e.length), e.content));
}
