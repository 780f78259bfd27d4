/**
 * The one check of the engine's integer options (`concurrency`, `maxActiveRuns`, `keepRuns`, `port`):
 * an option that is wrong is refused with its name and the bad value, before anything starts.
 */

/** How an integer rule reads in a message: "a positive integer", "an integer from 0 to 65535". */
export function integerRule(min: number, max = Infinity): string {
  if (max === Infinity) return min === 1 ? 'a positive integer' : `an integer of at least ${min}`;
  return `an integer from ${min} to ${max}`;
}

/** Whether `value` is an integer in [min, max]. */
export function isIntegerIn(value: number, min: number, max = Infinity): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Throws a `RangeError` ("Expected `concurrency` to be a positive integer, got -1") unless `value` is
 * `undefined` (the option's default applies) or an integer in [min, max] (positive by default).
 */
export function checkInteger(name: string, value: number | undefined, min = 1, max = Infinity): void {
  if (value !== undefined && !isIntegerIn(value, min, max)) {
    throw new RangeError(`Expected \`${name}\` to be ${integerRule(min, max)}, got ${String(value)}`);
  }
}
