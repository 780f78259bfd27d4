import { getLanguageService, type TextDocument } from 'vscode-json-languageservice';
import { configSchema } from '../../engine/analysis/schema';

/**
 * The peer of the validation benches: vscode-json-languageservice with configs/schema.json, as a JSON
 * editor validates a config (`parseJSONDocument` + `doValidation`). Resolves to the number of problems.
 */
export function jsonValidator(): (document: TextDocument) => Promise<number> {
  const service = getLanguageService({});
  service.configure({
    validate: true,
    allowComments: false,
    schemas: [{ uri: 'https://fastasyncio.dev/schema/job_config.json', fileMatch: ['*.json'], schema: configSchema }],
  });
  const settings = { comments: 'error', trailingCommas: 'error', schemaValidation: 'error', schemaRequest: 'error' } as const;
  return async (document) => (await service.doValidation(document, service.parseJSONDocument(document), settings)).length;
}
