import * as fs from 'node:fs';

/** What the benches print: figures side by side, and a closing table of each figure against its target. */

export const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
/** Each round's figure, `12.3 / 11.9 / 12.8`. */
export const list = (xs: number[], digits = 0) => xs.map((x) => fmt(x, digits)).join(' / ');

export interface Row {
  figure: string;
  value: string;
  target: string;
  met?: boolean;
}

/** Where `npm run bench` (all.ts) collects every bench's rows, one JSON line each. */
export const ROWS_FILE_ENV = 'FASTASYNCIO_BENCH_ROWS';

/** The closing table: every figure, its target and whether it was met (also handed to `npm run bench`). */
export function table(rows: readonly Row[]): void {
  const collect = process.env[ROWS_FILE_ENV];
  if (collect) fs.appendFileSync(collect, rows.map((r) => JSON.stringify(r) + '\n').join(''));
  const width = Math.max(...rows.map((r) => r.figure.length));
  console.log(`\n${'figure'.padEnd(width)}   ${'value'.padStart(8)}   ${'target'.padEnd(7)}   met`);
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : 'NO';
    console.log(`${r.figure.padEnd(width)}   ${r.value.padStart(8)}   ${r.target.padEnd(7)}   ${met}`);
  }
}
