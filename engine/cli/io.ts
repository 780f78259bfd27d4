/** Where a command writes: stdout for results, stderr for messages. Tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Raw text to stdout, for live progress. */
  write(text: string): void;
  readonly isTTY: boolean;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  write: (text) => void process.stdout.write(text),
  // A getter: the worker must never open the real stdout (capture.ts replaces it before any task runs).
  get isTTY() {
    return Boolean(process.stdout.isTTY);
  },
};
