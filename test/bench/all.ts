// `npm run bench`: every `bench:*` script of package.json, one after the other (each in its own process,
// as `npm run bench:<name>` runs it), then one table of every figure against its target. Each bench's
// own output (its figures beside its peer's) is shown as it runs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROWS_FILE_ENV, renderTable, type Row } from './report';

const root = path.resolve(__dirname, '../..');
const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const only = process.argv.slice(2);
const benches = Object.entries(scripts)
  .filter(([name]) => name.startsWith('bench:') && (only.length === 0 || only.includes(name.slice('bench:'.length))))
  // `npm run bench` has built once already.
  .map(([name, command]) => ({ name: name.slice('bench:'.length), command: command.replace(/^npm run build && /, '') }));

const rows: (Row & { bench: string })[] = [];
const failed: string[] = [];
for (const { name, command } of benches) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-bench-')), 'rows.jsonl');
  console.log(`\n=== bench:${name}: ${command}`);
  const result = spawnSync('sh', ['-c', command], { cwd: root, stdio: 'inherit', env: { ...process.env, [ROWS_FILE_ENV]: file } });
  if (result.status !== 0) failed.push(`bench:${name} (exit ${result.status ?? result.signal})`);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) if (line) rows.push({ bench: name, ...(JSON.parse(line) as Row) });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

console.log(`\n=== every figure against its target\n`);
console.log(renderTable(rows));
const judged = rows.filter((r) => r.met !== undefined);
console.log(`\n${judged.filter((r) => r.met).length} of ${judged.length} targets met${failed.length ? `; failed to run: ${failed.join(', ')}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
