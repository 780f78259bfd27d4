/**
 * Just enough of a source map (v3) reader for the debugging tests, which must translate between the
 * TypeScript a user wrote and the bundle V8 runs, as a debugger client does: an inline map's sources
 * resolved against the script's URL, and its mappings decoded. Lines and columns are 0-based, as in CDP.
 */

interface RawMap {
  version: number;
  sources: string[];
  sourceRoot?: string;
  mappings: string;
}

/** One mapping: a generated position and the original one it comes from. */
interface Segment {
  line: number;
  column: number;
  source: string;
  originalLine: number;
  originalColumn: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The numbers of one base64 VLQ segment. */
function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

export class SourceMap {
  /** The map's sources, as URLs resolved against the script's. */
  readonly sources: string[];
  private readonly segments: Segment[] = [];

  /** `sourceMapURL` as CDP reports it (a `data:` URL for an inline map), for the script at `scriptUrl`. */
  constructor(sourceMapURL: string, scriptUrl: string) {
    const data = /^data:application\/json;(?:charset=utf-8;)?base64,(.*)$/s.exec(sourceMapURL);
    if (!data) throw new Error(`not an inline source map: ${sourceMapURL.slice(0, 60)}`);
    const raw = JSON.parse(Buffer.from(data[1], 'base64').toString('utf8')) as RawMap;
    const root = raw.sourceRoot ? new URL(raw.sourceRoot.replace(/\/?$/, '/'), scriptUrl).href : scriptUrl;
    this.sources = raw.sources.map((source) => new URL(source, root).href);
    let source = 0;
    let originalLine = 0;
    let originalColumn = 0;
    raw.mappings.split(';').forEach((line, generatedLine) => {
      let column = 0;
      for (const text of line.split(',')) {
        if (!text) continue;
        const [dColumn, dSource, dLine, dOriginalColumn] = decodeVlq(text);
        column += dColumn;
        if (dSource === undefined) continue;
        source += dSource;
        originalLine += dLine;
        originalColumn += dOriginalColumn;
        this.segments.push({ line: generatedLine, column, source: this.sources[source], originalLine, originalColumn });
      }
    });
  }

  /** The first generated position of an original line (what a debugger binds a breakpoint there to). */
  generatedFor(source: string, originalLine: number): { line: number; column: number } | undefined {
    const found = this.segments.filter((s) => s.source === source && s.originalLine === originalLine);
    found.sort((a, b) => a.line - b.line || a.column - b.column);
    return found[0] && { line: found[0].line, column: found[0].column };
  }

  /** The original position of a generated one: the last mapping at or before it on its line. */
  originalFor(line: number, column: number): { source: string; line: number; column: number } | undefined {
    const onLine = this.segments.filter((s) => s.line === line && s.column <= column);
    const last = onLine.at(-1);
    return last && { source: last.source, line: last.originalLine, column: last.originalColumn };
  }
}
