import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { CONFIG_GLOBS, DIAGNOSTIC_SOURCE, SETTINGS_SECTION } from '../server/protocol';
import { configGlobs } from './settings';

/** The language id package.json gives job_config.json and *.job.json files. */
export const JOB_CONFIG_LANGUAGE = 'fastasyncio-job';

/** Starts dist/server.js over IPC for every job config (and the configured globs). */
export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const extraGlobs = configGlobs();
  const clientOptions: LanguageClientOptions = {
    // Job configs have a language of their own (package.json), so VS Code's JSON validation does not
    // report their problems a second time; files matched by extra globs stay JSON.
    documentSelector: [
      { scheme: 'file', language: JOB_CONFIG_LANGUAGE },
      ...[...CONFIG_GLOBS, ...extraGlobs].flatMap((pattern) => [
        { scheme: 'file', language: 'json', pattern },
        { scheme: 'file', language: 'jsonc', pattern },
      ]),
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
    diagnosticCollectionName: DIAGNOSTIC_SOURCE,
  };
  const client = new LanguageClient('fastasyncio', 'FastAsyncio Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}
