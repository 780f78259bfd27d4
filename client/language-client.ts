import * as vscode from 'vscode';
import { type DocumentSelector, LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { CONFIG_GLOBS, DEFAULT_SETTINGS, DIAGNOSTIC_SOURCE, type InitializationOptions, SETTINGS_SECTION } from '../server/protocol';

/** The language id package.json gives job_config.json and *.job.json files. */
export const JOB_CONFIG_LANGUAGE = 'fastasyncio-job';

/**
 * The documents the server is told about: job configs (a language of their own in package.json, so VS
 * Code's JSON validation does not report their problems a second time), and JSON files that a config
 * glob matches, each folder's `fastasyncio.configGlobs` relative to that folder. Those stay JSON.
 */
function documentSelector(): DocumentSelector {
  const fromSettings = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) =>
    vscode.workspace
      .getConfiguration(SETTINGS_SECTION, folder)
      .get<unknown[]>('configGlobs', DEFAULT_SETTINGS.configGlobs)
      .filter((glob): glob is string => typeof glob === 'string' && glob.trim() !== '')
      .map((pattern) => ({ baseUri: folder.uri.toString(), pattern })),
  );
  return [
    { scheme: 'file', language: JOB_CONFIG_LANGUAGE },
    ...[...CONFIG_GLOBS, ...fromSettings].flatMap((pattern) => [
      { scheme: 'file', language: 'json', pattern },
      { scheme: 'file', language: 'jsonc', pattern },
    ]),
  ];
}

/** The client of dist/server.js (over IPC), not started yet: handlers can be set on it first. */
export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const initializationOptions: InitializationOptions = { jobs: true };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    synchronize: { configurationSection: SETTINGS_SECTION },
    diagnosticCollectionName: DIAGNOSTIC_SOURCE,
    initializationOptions,
  };
  return new LanguageClient('fastasyncio', 'FastAsyncio Language Server', serverOptions, clientOptions);
}

/**
 * Keeps the documents the server is told about in step with `fastasyncio.configGlobs` and the workspace
 * folders, without a reload. The server itself follows the settings (it finds the configs on disk again);
 * the client starts it again only when the documents it should be told about change.
 */
export function followConfigGlobs(client: LanguageClient, log: vscode.LogOutputChannel): vscode.Disposable {
  let queue = Promise.resolve();
  const restartIfNeeded = (): void => {
    queue = queue
      .then(async () => {
        const selector = documentSelector();
        if (JSON.stringify(selector) === JSON.stringify(client.clientOptions.documentSelector)) return;
        // Read again by each start of the client.
        client.clientOptions.documentSelector = selector;
        if (client.isRunning()) await client.restart();
      })
      .catch((error: unknown) =>
        log.error(`Restarting the language server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      );
  };
  // On the next turn: the client's own `workspace/didChangeConfiguration` goes out before the stop.
  const update = (): void => void setTimeout(restartIfNeeded, 0);
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration(`${SETTINGS_SECTION}.configGlobs`) && update()),
    vscode.workspace.onDidChangeWorkspaceFolders(update),
  );
}
