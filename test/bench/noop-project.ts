import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temporary project with one job, `noop`, of one task that returns null at once. */
export function noopProject(prefix: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(root, 'configs'));
  fs.mkdirSync(path.join(root, 'src/job/task'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src/job/task/noop.js'), 'exports.Noop = class Noop { async execute() { return null; } };\n');
  fs.writeFileSync(
    path.join(root, 'configs/job_config.json'),
    JSON.stringify({ jobs: [{ name: 'noop', handler: 'GenericJobHandler', tasks: [{ name: 'Noop' }] }] }),
  );
  return root;
}

/** The processes a bench starts: whatever is still running when the bench exits is killed. */
export const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));
