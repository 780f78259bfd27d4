import { describeEvent } from '../engine/run/describe';
import type { LogLevel, RunEvent } from '../engine/run/events';

/** The log output channel's levels the run log writes at. */
export type ChannelLevel = 'info' | 'warn' | 'error';

/** One entry of the output channel: the channel prints the time and level before its first line. */
export interface ChannelEntry {
  level: ChannelLevel;
  text: string;
}

/** The channel level of the Python `logging` levels that describeEvent shows by name. */
const CHANNEL_LEVELS: Partial<Record<LogLevel, ChannelLevel>> = { warning: 'warn', error: 'error', critical: 'error' };

/**
 * A run event as the "FastAsyncio" output channel shows it (pure: output.ts writes the entries). A
 * failed task's line carries its whole stack or traceback under it; a `logging` line of level warning,
 * error or critical says so (`  Task1: WARNING: disk almost full`) and is written at that level.
 */
export function channelEntries(event: RunEvent): ChannelEntry[] {
  const text = describeEvent(event);
  switch (event.type) {
    case 'task-finished':
      if (event.status === 'failed' || event.status === 'timedOut') {
        return [{ level: 'error', text: event.error?.stack ? `${text}\n${event.error.stack}` : text }];
      }
      return [{ level: event.status === 'succeeded' ? 'info' : 'warn', text }];
    case 'task-retrying':
      return [{ level: 'warn', text }];
    case 'run-finished':
      // A cancel is what the user asked for: a warning, not an error.
      return [{ level: event.status === 'succeeded' ? 'info' : event.status === 'cancelled' ? 'warn' : 'error', text }];
    case 'task-log':
    case 'run-log': {
      const level = event.level && CHANNEL_LEVELS[event.level];
      if (level) return [{ level, text }];
      break;
    }
    default:
      break;
  }
  return text.split('\n').map((line) => ({ level: 'info', text: line }));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A time as the log output channel prints it before each entry (VS Code's log files:
 * `2025-05-01 14:03:07.042`, local time).
 */
export function logTimestamp(time: number): string {
  const d = new Date(time);
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The level names the log output channel prints (`[warning]`, as its log files spell it). */
const LEVEL_NAMES: Record<ChannelLevel, string> = { info: 'info', warn: 'warning', error: 'error' };

/**
 * A recorded event as the log output channel would have shown it when it happened: each entry with the
 * event's own time and its level, as the channel prints them (a replay is written to a plain channel,
 * which stamps nothing; the log channel would stamp every line with the time of the replay).
 */
export function replayedLines(event: RunEvent): string[] {
  const time = logTimestamp(event.time);
  return channelEntries(event).map(({ level, text }) => `${time} [${LEVEL_NAMES[level]}] ${text}`);
}
