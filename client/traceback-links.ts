/**
 * Links to the frames of Python tracebacks in the output channel's text: `File "/abs/task3.py", line 7,
 * in execute`. VS Code's own output link detection (outputLinkComputer.ts) links only paths under a
 * workspace folder, and this form without its line: it knows `path:line`, `path(line)`, `path on line N`
 * and `path:line N`, not `"path", line N`. Pure (no `vscode`): output.ts makes the editor's links.
 */

export interface FrameLink {
  /** 0-based line of the text the link is on. */
  line: number;
  /** 0-based columns of the link: from the path's opening quote to the end of the line number. */
  start: number;
  end: number;
  /** The frame's file, as the traceback prints it (absolute when Python imported it from a path). */
  file: string;
  /** Its 1-based line. */
  fileLine: number;
}

/** A frame line: `File "<path>", line <n>`; `<frozen ...>` and `<string>` are not files. */
const FRAME = /File "([^"<\r\n][^"\r\n]*)", line (\d+)/g;

/** The most links one text gets (the latest are kept: a long session's channel holds many tracebacks). */
export const MAX_FRAME_LINKS = 2000;

/** Every traceback frame of `text` with its position, in order; the last `limit` when there are more. */
export function frameLinks(text: string, limit = MAX_FRAME_LINKS): FrameLink[] {
  if (!text.includes('File "')) return [];
  const links: FrameLink[] = [];
  let line = 0;
  let lineStart = 0;
  let counted = 0;
  for (const match of text.matchAll(FRAME)) {
    const at = match.index;
    // Count the newlines between the last match and this one, once each.
    for (let nl = text.indexOf('\n', counted); nl !== -1 && nl < at; nl = text.indexOf('\n', nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    counted = at;
    const start = at + 'File '.length - lineStart;
    links.push({ line, start, end: at + match[0].length - lineStart, file: match[1], fileLine: Number(match[2]) });
  }
  return links.length > limit ? links.slice(-limit) : links;
}
