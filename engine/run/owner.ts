import * as fs from 'node:fs';
import * as os from 'node:os';
import type { RunOwner } from './events';

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux only). */
function processStart(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

let self: RunOwner | undefined;

/** This process, as the owner of the runs it records. */
export function currentOwner(): RunOwner {
  if (!self) {
    const start = processStart(process.pid);
    self = start === undefined ? { pid: process.pid, host: os.hostname() } : { pid: process.pid, host: os.hostname(), start };
  }
  return self;
}

/**
 * Whether a run's owner is still alive: `true` or `false` when this machine can tell, `undefined` when
 * it cannot (the owner is on another host, or the record predates owners).
 */
export function ownerAlive(owner: RunOwner | undefined): boolean | undefined {
  if (!owner || owner.host !== os.hostname()) return undefined;
  if (owner.pid === process.pid) return owner.start === undefined || owner.start === currentOwner().start;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: a process of another user has that pid now; it is not ours either way unless the start matches.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.start === undefined) return true;
  return processStart(owner.pid) === owner.start;
}
