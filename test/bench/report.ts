import * as fs from 'node:fs';

/** What the benches print: figures side by side, and a closing table of each figure against its target. */

export const median = (xs: number[]) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
/** Each round's figure, `12.3 / 11.9 / 12.8`. */
export const list = (xs: number[], digits = 0) => xs.map((x) => fmt(x, digits)).join(' / ');

/**
 * One figure of the closing table (issue 15: measure, ours, peer, ratio, target, met): what was measured,
 * our figure, the peer's measured in the same run with the ratio when the measure has a peer, the
 * target and whether it was met (undefined: a figure for orientation, with no target).
 */
export interface Row {
  /** What was measured, with its unit: `edit → diagnostics, median (ms)`. */
  measure: string;
  ours: string;
  /** The peer's figure on the same measure, in the same run, and who the peer is. */
  peer?: { name: string; value: string };
  /** ours / peer, as `0.43×`. */
  ratio?: string;
  /** What the target bounds: our figure (`≤ 25`) or the ratio (`≤ 0.5×`). */
  target: string;
  met?: boolean;
}

/** `ours / peer` as the table shows a ratio. */
export const ratioOf = (ours: number, peer: number, digits = 2): string => `${fmt(ours / peer, digits)}×`;

/** Where `npm run bench` (all.ts) collects every bench's rows, one JSON line each. */
export const ROWS_FILE_ENV = 'FASTASYNCIO_BENCH_ROWS';

/** The closing table: every figure, its target and whether it was met (also handed to `npm run bench`). */
export function table(rows: readonly Row[]): void {
  const collect = process.env[ROWS_FILE_ENV];
  if (collect) fs.appendFileSync(collect, rows.map((r) => JSON.stringify(r) + '\n').join(''));
  console.log(`\n${renderTable(rows)}`);
}

/** The rows as a table of aligned columns, `bench` first when the rows name theirs (`npm run bench`). */
export function renderTable(rows: readonly (Row & { bench?: string })[]): string {
  const withBench = rows.some((r) => r.bench !== undefined);
  const cells = rows.map((r) => [
    ...(withBench ? [r.bench ?? ''] : []),
    r.measure,
    r.ours,
    r.peer ? `${r.peer.value} (${r.peer.name})` : '',
    r.ratio ?? '',
    r.target,
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const header = [...(withBench ? ['bench'] : []), 'measure', 'ours', 'peer', 'ratio', 'target', 'met'];
  // Figures are right-aligned (ours, ratio), words left-aligned.
  const right = new Set([header.indexOf('ours'), header.indexOf('ratio')]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)].join('\n');
}
