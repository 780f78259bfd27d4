import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Analysis, analyzeConfig } from '../analysis/analyze';
import { nodeFiles } from '../node-files';
import type { LayoutDefaults } from './layout';
import { decodeUtf8 } from './text';

export class ConfigReadError extends Error {
  override name = 'ConfigReadError';
}

export interface ReadConfig {
  /** Absolute path. */
  file: string;
  /** The text as decoded and analysed. */
  text: string;
  analysis: Analysis;
}

/** Reads a config file from disk and analyses it. An unreadable file throws a one-line `ConfigReadError`. */
export function readConfigFile(file: string, defaults?: LayoutDefaults): ReadConfig {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new ConfigReadError(`cannot read ${file}: ${why}`);
  }
  const { text, invalidUtf8At } = decodeUtf8(bytes);
  return { file: absolute, text, analysis: analyzeConfig(text, { file: absolute, files: nodeFiles(), invalidUtf8At, defaults }) };
}
