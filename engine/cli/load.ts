import { type ReadConfig, readConfigFile } from '../analysis/read-config';
import { ConfigReadError } from '../config/read';

export const DEFAULT_CONFIG = 'configs/job_config.json';

export class UsageError extends Error {}

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
