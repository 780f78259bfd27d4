import type { DebugOptions } from './debug';

/**
 * The task worker under the Node inspector: the flags it is started with, and the lines Node itself
 * writes to the worker's stderr, which the parent reads to learn where the inspector listens.
 */

/** Node's flag for `inspect`: `--inspect-brk=127.0.0.1:0`; none when not debugging. */
export function inspectorArgs(inspect: DebugOptions['inspect']): string[] {
  if (!inspect) return [];
  const host = inspect.host ?? '127.0.0.1';
  return [`--inspect${inspect.brk ? '-brk' : ''}=${host.includes(':') ? `[${host}]` : host}:${inspect.port}`];
}

/** What one of Node's inspector lines on the worker's stderr says. */
export type InspectorLine =
  | { kind: 'listening'; host: string; port: number; url: string }
  /** The inspector could not start (its port is taken): Node then runs the worker without it. */
  | { kind: 'failed'; message: string }
  /** "For help, see: https://nodejs.org/en/docs/inspector", which follows `listening`. */
  | { kind: 'help' };

const LISTENING = /^Debugger listening on (ws:\/\/\S+)$/;
const FAILED = /^Starting inspector on (\S+) failed: (.+)$/;
const HELP = /^For help, see: https:\/\/nodejs\.org\/\S*inspector\S*$/;

/** Reads a line of the worker's stderr as one of the inspector's, or undefined when it is not. */
export function inspectorLine(line: string): InspectorLine | undefined {
  const listening = LISTENING.exec(line);
  if (listening) {
    try {
      const url = new URL(listening[1]);
      return { kind: 'listening', host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port), url: listening[1] };
    } catch {
      return undefined;
    }
  }
  const failed = FAILED.exec(line);
  if (failed) {
    const message = `the task worker's Node inspector could not listen on ${failed[1]} (${failed[2]}): choose another port (0: a free one)`;
    return { kind: 'failed', message };
  }
  return HELP.test(line) ? { kind: 'help' } : undefined;
}
