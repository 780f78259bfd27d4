import * as fs from 'node:fs';
import type { RunEvent, RunOwner, RunStartedEvent, TaskSummary } from './events';
import { currentOwner, ownerAlive } from './owner';
import type { RunState } from './summary';

/**
 * Interrupted runs: a record without its `run-finished` whose process is gone. The first reader that
 * finds one completes the record (under a lock, so only one does); a record whose process cannot be
 * checked (another host, or an older version that wrote no owner) is shown as interrupted once it has
 * had no event for `STALE_MS`, and is not written to.
 */

/** How long an unfinished record whose owner cannot be checked must be idle to be taken as interrupted. */
export const STALE_MS = 10 * 60_000;
/** A lock file this old is left over from a reader that died: it may be taken over. */
const LOCK_STALE_MS = 30_000;

export interface Interruption {
  /** Complete the record (its owner is known to be gone), or only show it completed. */
  persist: boolean;
  /** The run's error. */
  error: string;
  /** A task left running fails with this. */
  running: string;
  /** A task left pending is skipped with this. */
  pending: string;
}

/** Why an unfinished record's run is interrupted, or undefined while it may still be going. */
export function interruption(started: RunStartedEvent | undefined, modified: number, now = Date.now()): Interruption | undefined {
  const owner = started?.owner;
  const alive = ownerAlive(owner);
  if (alive === true) return undefined;
  if (alive === false && owner) {
    const who = `the run's process (pid ${owner.pid} on ${owner.host})`;
    return {
      persist: true,
      error: `interrupted: ${who} ended without finishing the run`,
      running: `interrupted: ${who} ended while this task was running`,
      pending: `skipped: ${who} ended before this task started`,
    };
  }
  if (now - modified < STALE_MS) return undefined;
  const why = owner
    ? `its process (pid ${owner.pid} on ${owner.host}) cannot be checked from this machine`
    : 'it names no process that owns it (an older version wrote it)';
  return {
    persist: false,
    error: `interrupted: the run's record has had no event for over ${STALE_MS / 60_000} minutes and ${why}`,
    running: 'interrupted: the run stopped being recorded while this task was running',
    pending: 'skipped: the run stopped being recorded before this task started',
  };
}

/**
 * The events that complete an interrupted run, after the last of `state` (the record folded): a failed
 * `task-finished` for each task left running, a skipped one for each left pending, then `run-finished`.
 * They are dated `endedAt`, when the run was last heard of.
 */
export function completionEvents(runId: string, state: RunState, why: Interruption, endedAt: number): RunEvent[] {
  let seq = state.lastSeq;
  const events: RunEvent[] = [];
  const tasks: Record<string, TaskSummary> = {};
  for (const [id, known] of Object.entries(state.tasks)) {
    const task = (tasks[id] = { ...known });
    if (task.status !== 'running' && task.status !== 'pending') continue;
    const since = state.running.get(id);
    const durationMs = task.status === 'running' && since !== undefined ? Math.max(0, endedAt - since) : 0;
    const status = task.status === 'running' ? 'failed' : 'skipped';
    const message = task.status === 'running' ? why.running : why.pending;
    events.push({ type: 'task-finished', runId, seq: ++seq, time: endedAt, task: id, status, attempts: task.attempts, durationMs, error: { message } });
    Object.assign(task, { status, durationMs, error: message });
  }
  const durationMs = state.started ? Math.max(0, endedAt - state.started.time) : 0;
  events.push({
    type: 'run-finished',
    runId,
    seq: ++seq,
    time: endedAt,
    status: 'interrupted',
    durationMs,
    summary: { job: state.job, runId, status: 'interrupted', durationMs, tasks, error: why.error },
  });
  return events;
}

/**
 * Appends `events` to the record `file`, provided it is still `size` bytes long (nothing was written
 * since it was folded) and no other reader holds its lock: `written`, `busy` (another reader is
 * completing it) or `changed` (it grew: read it again).
 */
export async function appendCompletion(file: string, size: number, events: readonly RunEvent[]): Promise<'written' | 'busy' | 'changed'> {
  const lock = `${file}.lock`;
  const mine = await takeLock(lock);
  if (!mine) return 'busy';
  const ours = async () => (await fs.promises.readFile(lock, 'utf8').catch(() => '')) === mine;
  try {
    const handle = await fs.promises.open(file, 'r+');
    try {
      const { size: now } = await handle.stat();
      if (now !== size) return 'changed';
      let text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
      if (size > 0) {
        // A last line cut short by the crash gets its own end, so the completion starts a line of its own.
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 10) text = '\n' + text;
      }
      // Another reader may have taken over a lock it thought stale: the last check before writing.
      if (!(await ours())) return 'busy';
      await handle.write(text, size);
      return 'written';
    } finally {
      await handle.close();
    }
  } finally {
    if (await ours()) await fs.promises.rm(lock, { force: true });
  }
}

/** Creates the lock file exclusively (taking over one left by a reader that died); resolves with its content, or undefined. */
async function takeLock(lock: string): Promise<string | undefined> {
  const content = JSON.stringify({ ...currentOwner(), time: Date.now(), nonce: Math.random() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.promises.writeFile(lock, content, { flag: 'wx' });
      return content;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0 || !(await staleLock(lock))) return undefined;
      await fs.promises.rm(lock, { force: true });
    }
  }
  return undefined;
}

async function staleLock(lock: string): Promise<boolean> {
  try {
    const [text, stat] = await Promise.all([fs.promises.readFile(lock, 'utf8'), fs.promises.stat(lock)]);
    let holder: RunOwner | undefined;
    try {
      holder = JSON.parse(text) as RunOwner;
    } catch {
      // Written half-way: its age decides.
    }
    return ownerAlive(holder) === false || Date.now() - stat.mtimeMs > LOCK_STALE_MS;
  } catch {
    return false;
  }
}
