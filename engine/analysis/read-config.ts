import type { LayoutDefaults } from '../config/layout';
import { readConfigText } from '../config/read';
import { nodeFiles } from '../node-files';
import { type Analysis, analyzeConfig } from './analyze';

export interface ReadConfig {
  /** Absolute path. */
  file: string;
  /** The text as decoded and analysed. */
  text: string;
  analysis: Analysis;
}

/**
 * Reads a config file from disk and analyses it over the disk (`nodeFiles`): the one place the analysis
 * meets the disk. An unreadable file throws a one-line `ConfigReadError` (config/read.ts).
 */
export function readConfigFile(file: string, defaults?: LayoutDefaults): ReadConfig {
  const { file: absolute, text, invalidUtf8At } = readConfigText(file);
  return { file: absolute, text, analysis: analyzeConfig(text, { file: absolute, files: nodeFiles(), invalidUtf8At, defaults }) };
}
