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
      return [{ level: event.status === 'succeeded' ? 'info' : 'error', text }];
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
