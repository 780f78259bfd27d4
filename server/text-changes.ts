import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextChange } from '../engine/analysis/edits';

/**
 * Where each open document's text changed since a version the server analysed, as one region: the
 * characters before it and after it are the same in both texts. It lets the analysis of the new
 * version reuse the old one (see engine/analysis/edits.ts) instead of parsing the whole text again.
 */
export class TextChanges {
  /** Per URI: the analysed version, and how many characters at the start and at the end are unchanged since. */
  private readonly since = new Map<string, { version: number; prefix: number; suffix: number }>();

  /** The configuration of `TextDocuments` that applies each change itself, noting where it falls first. */
  documents(): { create: typeof TextDocument.create; update: typeof TextDocument.update } {
    return {
      create: TextDocument.create,
      update: (document, changes, version) => {
        // One at a time: each change's range is in the text the previous ones left.
        for (const change of changes) {
          this.note(document, change);
          TextDocument.update(document, [change], version);
        }
        return document;
      },
    };
  }

  /** The document's text is analysed at `version`: later changes are counted from it. */
  analysed(uri: string, version: number): void {
    this.since.set(uri, { version, prefix: Infinity, suffix: Infinity });
  }

  forget(uri: string): void {
    this.since.delete(uri);
  }

  /** The region that changed from `version` to the current text, when the changes since are known. */
  changeSince(uri: string, version: number, oldLength: number, newLength: number): TextChange | undefined {
    const entry = this.since.get(uri);
    if (!entry || entry.version !== version) return undefined;
    const suffix = Math.min(entry.suffix, oldLength, newLength);
    const start = Math.min(entry.prefix, oldLength - suffix, newLength - suffix);
    return { start, oldEnd: oldLength - suffix, newEnd: newLength - suffix };
  }

  private note(document: TextDocument, change: TextDocumentContentChangeEvent): void {
    const entry = this.since.get(document.uri);
    if (!entry) return;
    if (!('range' in change)) {
      entry.prefix = entry.suffix = 0;
      return;
    }
    const length = document.getText().length;
    // A range given end first is applied as if the right way round (TextDocument.update does so).
    const [start, end] = [document.offsetAt(change.range.start), document.offsetAt(change.range.end)].sort((x, y) => x - y);
    entry.prefix = Math.min(entry.prefix, start);
    entry.suffix = Math.min(entry.suffix, length - end);
  }
}
