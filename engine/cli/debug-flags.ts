import type { DebugOptions } from '../run/debug';
import { UsageError } from './load';
import { integerFlag } from './options';

/** Where the debuggers listen when a flag names no port: Node's and debugpy's own defaults. */
export const DEFAULT_INSPECT_PORT = 9229;
export const DEFAULT_DEBUGPY_PORT = 5678;

const FLAG = /^--(inspect|inspect-brk|debug-python)(?:=(.*))?$/s;

/**
 * Takes `--inspect[=[HOST:]PORT]`, `--inspect-brk[=[HOST:]PORT]` and `--debug-python[=[HOST:]PORT]` out
 * of `run`'s arguments, before `parseArgs` (which has no optional values) sees the rest. A port of 0
 * means a free one. Nothing after `--` is looked at. The same flag twice: the last one counts.
 */
export function takeDebugFlags(args: readonly string[]): { args: string[]; debug?: DebugOptions } {
  const rest: string[] = [];
  const debug: DebugOptions = {};
  let inspectFlag: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    const match = FLAG.exec(arg);
    if (!match) {
      rest.push(arg);
      continue;
    }
    const [, name, value] = match;
    const flag = `--${name}`;
    if (name === 'debug-python') {
      debug.python = address(flag, value, DEFAULT_DEBUGPY_PORT);
      continue;
    }
    if (inspectFlag !== undefined && inspectFlag !== flag) throw new UsageError('give --inspect or --inspect-brk, not both');
    inspectFlag = flag;
    debug.inspect = { ...address(flag, value, DEFAULT_INSPECT_PORT), brk: name === 'inspect-brk' };
  }
  return debug.inspect || debug.python ? { args: rest, debug } : { args: rest };
}

/** `PORT`, `HOST:PORT` or `[IPv6]:PORT`; no value at all is the default port. */
function address(flag: string, value: string | undefined, defaultPort: number): { port: number; host?: string } {
  if (value === undefined) return { port: defaultPort };
  const colon = value.lastIndexOf(':');
  const host = colon === -1 ? undefined : value.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  if (host !== undefined && (host === '' || /\s/.test(host))) throw new UsageError(`${flag} takes PORT or HOST:PORT, got "${value}"`);
  const port = integerFlag(flag, value.slice(colon + 1), 0, 65535)!;
  return host === undefined ? { port } : { port, host };
}
