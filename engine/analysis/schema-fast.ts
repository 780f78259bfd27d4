import type { ValidateFunction } from 'ajv';
import { compileValidator } from './schema-compile';

/**
 * The schema's validator that stops at the first error: what every analysis runs. In the bundles,
 * esbuild.js replaces this module with ajv's standalone code for it, generated when building, so a run
 * does not compile the schema (about 50 ms of a CLI run's start); run from the sources (tests, tsx) it is
 * compiled here on first use, with the same options (schema-options.json).
 */
let fast: ValidateFunction | undefined;

export function fastValidator(): ValidateFunction {
  return (fast ??= compileValidator(false));
}
