import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/** The bundled CLI: `npm test` builds it first. */
export const CLI = path.resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `fastasyncio <args>` to its end; `onStdout` sees the output so far as it comes, with the process. */
export function cli(args: string[], options: { cwd?: string; onStdout?: (text: string, child: ChildProcess) => void } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
