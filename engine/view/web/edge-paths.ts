import { COLUMN_GAP, type GraphLayout } from '../layout';

/** The geometry of the graph's edges (SVG path data) and columns. */

/** The column a node at `x` is in. */
export function columnIndex(layout: GraphLayout, x: number): number {
  // Columns are sorted left to right; a node belongs to the last one starting at or before it.
  let lo = 0;
  let hi = layout.columns.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (layout.columns[mid] <= x + 1) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** An edge between columns: a curve leaving the dependency to the right, entering the dependent from the left. */
export function curve(x1: number, y1: number, x2: number, y2: number): string {
  const dx = Math.max(16, Math.min(COLUMN_GAP * 0.75, (x2 - x1) / 2));
  return `M${x1} ${y1}C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}` + arrow(x2, y2, 1, 0);
}

/** An edge routed through points (dagre's bends, between short horizontal ends): smoothed through the midpoints of its segments. */
export function routed(points: readonly number[]): string {
  const n = points.length / 2;
  let d = `M${points[0]} ${points[1]}`;
  for (let k = 1; k < n - 1; k++)
    d += `Q${points[2 * k]} ${points[2 * k + 1]} ${(points[2 * k] + points[2 * k + 2]) / 2} ${(points[2 * k + 1] + points[2 * k + 3]) / 2}`;
  const ex = points[2 * n - 2];
  const ey = points[2 * n - 1];
  d += `L${ex} ${ey}`;
  const dx = ex - points[2 * n - 4];
  const dy = ey - points[2 * n - 3];
  const length = Math.hypot(dx, dy) || 1;
  return d + arrow(ex, ey, dx / length, dy / length);
}

/** An open arrowhead at (x, y) pointing along (ux, uy). */
function arrow(x: number, y: number, ux: number, uy: number): string {
  const back = 6;
  const side = 3.5;
  const bx = x - ux * back;
  const by = y - uy * back;
  const r = (v: number) => Math.round(v * 10) / 10;
  return `M${r(bx - uy * side)} ${r(by + ux * side)}L${x} ${y}L${r(bx + uy * side)} ${r(by - ux * side)}`;
}
