import { type ReadConfig, readConfigFile } from '../analysis/read-config';
import type { ChildProcess } from 'node:child_process';
import { ConfigReadError } from '../config/read';
import type { Io } from './io';

export const DEFAULT_CONFIG = 'configs/job_config.json';

export class UsageError extends Error {}

/** A command as `fastasyncio <name>` runs it: its usage line and its code (`worker`: the run's, started early; only `run` takes it). */
export interface CliCommand {
  usage: string;
  run(args: string[], io: Io, worker?: ChildProcess): number | Promise<number>;
}

export type LoadedConfig = ReadConfig;

/** Reads and analyses a config file. An unreadable file is a usage error with a one-line message. */
export function loadConfig(file: string): LoadedConfig {
  try {
    return readConfigFile(file);
  } catch (error) {
    if (error instanceof ConfigReadError) throw new UsageError(error.message);
    throw error;
  }
}
