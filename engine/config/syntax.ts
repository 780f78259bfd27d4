import { type ParseError, printParseErrorCode, visit } from 'jsonc-parser';
import { scanStructure } from './json-scan';
import { hasPlainStructure } from './key-count';

/** Deeper nesting than this is refused before any recursive parser sees the text. */
export const MAX_DEPTH = 256;
/** A garbage file would otherwise yield one error per byte. */
const MAX_SYNTAX_ERRORS = 50;

export interface JsonSyntaxError {
  offset: number;
  length: number;
  message: string;
}

export type JsonParse =
  { ok: true; value: unknown; duplicateKeys: ReturnType<typeof scanStructure>['duplicateKeys'] } | { ok: false; errors: JsonSyntaxError[] };

const MESSAGES: Record<string, string | undefined> = {
  InvalidSymbol: 'Unexpected character',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Expected a property name in double quotes',
  ValueExpected: 'Expected a value',
  ColonExpected: "Expected ':'",
  CommaExpected: "Expected ','",
  CloseBraceExpected: "Expected '}'",
  CloseBracketExpected: "Expected ']'",
  EndOfFileExpected: 'Expected the end of the file',
  InvalidCommentToken: 'Comments are not allowed in JSON',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unterminated number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Control characters must be escaped in JSON strings',
};

/**
 * Parses a config's text. The fast path is `JSON.parse` plus a count of keys against the value's
 * properties (`hasPlainStructure`); one linear scan finds duplicate keys and excessive depth when that
 * count says there are some; only text that `JSON.parse` refuses goes through the (slower, error-tolerant)
 * scanner of `jsonc-parser`, to find where each error is.
 */
export function parseJson(text: string): JsonParse {
  // A byte-order mark is not JSON whitespace; a space keeps every offset where it was.
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  if (source.trim() === '') {
    return { ok: false, errors: [{ offset: 0, length: 0, message: 'The file is empty: a job config is an object with a "jobs" array' }] };
  }
  let value: unknown;
  let parsed = true;
  try {
    value = JSON.parse(source);
  } catch {
    parsed = false;
  }
  if (parsed && hasPlainStructure(source, value, MAX_DEPTH)) return { ok: true, value, duplicateKeys: [] };
  const scan = scanStructure(source, MAX_DEPTH, parsed);
  if (scan.tooDeepAt !== undefined) {
    return { ok: false, errors: [{ offset: scan.tooDeepAt, length: 1, message: `Nesting deeper than ${MAX_DEPTH} levels` }] };
  }
  if (parsed) return { ok: true, value, duplicateKeys: scan.duplicateKeys };
  return { ok: false, errors: locateSyntaxErrors(source) };
}

function locateSyntaxErrors(source: string): JsonSyntaxError[] {
  // `visit`, not `parseTree`: the same errors without building a tree (10 s for a broken 20 MB file).
  const errors: ParseError[] = [];
  visit(
    source,
    { onError: (error, offset, length) => void errors.push({ error, offset, length }) },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  const found: JsonSyntaxError[] = [];
  let previous: ParseError | undefined;
  for (const e of errors) {
    const before = previous;
    previous = e;
    // A truncated file yields one "expected" per open bracket, all at its end: the first says it.
    if (found.length > 0 && found[found.length - 1].offset === e.offset) continue;
    // `"a": nope }`: the bad word stood where the value should be; "expected a value" right after it
    // says the same thing again.
    if (before && isCode(e, 'ValueExpected') && isCode(before, 'InvalidSymbol') && source.slice(before.offset + before.length, e.offset).trim() === '')
      continue;
    const message = MESSAGES[printParseErrorCode(e.error)] ?? 'Invalid JSON';
    const atEnd = e.offset >= source.trimEnd().length;
    found.push({
      offset: e.offset,
      length: e.length,
      message: atEnd ? `Unexpected end of file: ${message.charAt(0).toLowerCase()}${message.slice(1)}` : message,
    });
    if (found.length === MAX_SYNTAX_ERRORS) break;
  }
  if (found.length === 0) {
    // jsonc-parser is more lenient than JSON.parse in a few corners (lone surrogates and the like).
    return [{ offset: 0, length: 1, message: 'Invalid JSON' }];
  }
  return found;
}

function isCode(e: ParseError, name: string): boolean {
  return printParseErrorCode(e.error) === name;
}
