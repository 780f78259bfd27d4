import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Analysis, analyzeConfig } from '../analysis/analyze';
import { decodeUtf8 } from '../config/text';
import { nodeFiles } from '../node-files';

export const DEFAULT_CONFIG = 'configs/job_config.json';

export class UsageError extends Error {}

export interface LoadedConfig {
  file: string;
  analysis: Analysis;
}

/** Reads and analyses a config file. An unreadable file is a usage error with a one-line message. */
export function loadConfig(file: string): LoadedConfig {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
  const { text, invalidUtf8At } = decodeUtf8(bytes);
  return { file: absolute, analysis: analyzeConfig(text, { file: absolute, files: nodeFiles(), invalidUtf8At }) };
}
