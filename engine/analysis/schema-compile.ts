import type { ValidateFunction } from 'ajv';
import schema from '../../configs/schema.json';
import options from './schema-options.json';

/**
 * Compiles the config schema with ajv, with the options esbuild.js also uses for the validator it
 * generates in advance (see schema-fast.ts). `allErrors` finds every error, with `verbose` giving each
 * its schema and data for messages that name the bad value.
 */
export function compileValidator(allErrors: boolean): ValidateFunction {
  // Loaded on first use: the extension's activation, and a run of a valid config, do not pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, on purpose
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  const { keywords, ...rest } = options;
  const ajv = new Ajv({ ...rest, allErrors, verbose: allErrors });
  ajv.addVocabulary(keywords);
  return ajv.compile(schema);
}
