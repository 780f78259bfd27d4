import * as fs from 'node:fs';
import * as os from 'node:os';
import type { RunOwner } from './events';

interface ProcessStat {
  /** Field 3: R, S, D, Z (zombie), X (dead), ... */
  state: string;
  /** Field 22: when the process started, in clock ticks since boot. */
  start: number | undefined;
}

/** /proc/<pid>/stat (Linux only); undefined where there is no /proc or no such process. */
function processStat(pid: number): ProcessStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return { state: fields[0], start: Number.isFinite(start) ? start : undefined };
  } catch {
    return undefined;
  }
}

let self: RunOwner | undefined;

/** This process, as the owner of the runs it records. */
export function currentOwner(): RunOwner {
  if (!self) {
    const start = processStat(process.pid)?.start;
    self = start === undefined ? { pid: process.pid, host: os.hostname() } : { pid: process.pid, host: os.hostname(), start };
  }
  return self;
}

/**
 * Whether a run's owner is still alive: `true` or `false` when this machine can tell, `undefined` when
 * it cannot (the owner is on another host, or the record predates owners). A zombie (killed, not yet
 * reaped by its parent) is gone; a pid reused by another process is told apart by its start time.
 */
export function ownerAlive(owner: RunOwner | undefined): boolean | undefined {
  if (!owner || owner.host !== os.hostname() || !Number.isInteger(owner.pid) || owner.pid <= 0) return undefined;
  if (owner.pid === process.pid) return owner.start === undefined || owner.start === currentOwner().start;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: a process of another user has that pid now; it is not ours either way unless the start matches.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Without /proc (not Linux) neither zombies nor start times can be checked: the pid exists, it is alive.
  if (currentOwner().start === undefined) return true;
  const stat = processStat(owner.pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  return owner.start === undefined || stat.start === owner.start;
}
