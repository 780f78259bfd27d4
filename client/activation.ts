/**
 * How long the extension takes to activate, as VS Code counts it for "Show Running Extensions": loading
 * its code (the bundle's first line to its last: esbuild's banner and footer set `__fastasyncioLoadStart`
 * and `__fastasyncioLoadEnd`) plus `activate` to its return. What VS Code does between the two is its own
 * and is reported apart. The language server starts after that, in the background: activation never
 * waits for it.
 */
declare const __fastasyncioLoadStart: number | undefined;
declare const __fastasyncioLoadEnd: number | undefined;

export interface ActivationTime {
  /** Evaluating the bundle. */
  loadMs: number;
  /** `activate` itself, to its return. */
  activateMs: number;
  /** Load plus activate. */
  totalMs: number;
  /** Between the bundle's end and `activate` being called: VS Code's own work. */
  hostMs: number;
}

/** The activation's times, given when `activate` was called; undefined outside the bundle (tests under tsx). */
export function activationTime(activateStart: number, now = performance.now()): ActivationTime | undefined {
  if (typeof __fastasyncioLoadStart !== 'number' || typeof __fastasyncioLoadEnd !== 'number') return undefined;
  const loadMs = __fastasyncioLoadEnd - __fastasyncioLoadStart;
  const activateMs = now - activateStart;
  return { loadMs, activateMs, totalMs: loadMs + activateMs, hostMs: activateStart - __fastasyncioLoadEnd };
}

/** The output channel's line: `activated in 21.4 ms (bundle 15.2 ms, activate 6.2 ms; VS Code between them 3.0 ms)`. */
export function activationLine(time: ActivationTime): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return `activated in ${ms(time.totalMs)} (bundle ${ms(time.loadMs)}, activate ${ms(time.activateMs)}; VS Code between them ${ms(time.hostMs)})`;
}
