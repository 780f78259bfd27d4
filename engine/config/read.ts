import * as fs from 'node:fs';
import * as path from 'node:path';
import { type DecodedText, decodeUtf8 } from './text';

export class ConfigReadError extends Error {
  override name = 'ConfigReadError';
}

export interface ConfigText extends DecodedText {
  /** Absolute path. */
  file: string;
}

/**
 * Reads a config file's bytes and decodes them (`decodeUtf8`). An unreadable file throws a one-line
 * `ConfigReadError`. Reading and analysing in one call is `readConfigFile` (analysis/read-config.ts).
 */
export function readConfigText(file: string): ConfigText {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new ConfigReadError(`cannot read ${file}: ${why}`);
  }
  return { file: absolute, ...decodeUtf8(bytes) };
}
