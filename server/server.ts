import {
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  DidChangeConfigurationNotification,
  type InitializeResult,
  TextDocuments,
} from 'vscode-languageserver/node';
import { clientSupport, serverCapabilities } from './capabilities';
import { executeCommand } from './commands';
import { registerFeatures } from './features';
import { guard, guardNotification } from './guard';
import { configJobs, JobsNotifier } from './jobs';
import { describeError, type Logger } from './log';
import { type InitializationOptions, JobsChangedNotification, JobsRequest, SETTINGS_SECTION } from './protocol';
import { Publisher } from './publisher';
import { configSaved } from './recheck';
import { findConfigs } from './scan';
import { pathToUri, uriToPath } from './service';
import { readSettings } from './settings';
import { filesChanged, Watchers } from './watch';
import { Workspace } from './workspace';

/** Wires the connection's lifecycle, documents and workspace events to the workspace and the service. */
export function startServer(connection: Connection, log: Logger): void {
  const workspace = new Workspace();
  const documents = new TextDocuments(workspace.changes.documents());
  const watchers = new Watchers(connection, log);
  let publisher: Publisher | undefined;
  let jobsNotifier: JobsNotifier | undefined;
  let capabilities: ClientCapabilities = {};
  let initOptions: InitializationOptions = {};
  const justOpened = new Set<string>();

  connection.onInitialize((params): InitializeResult => {
    capabilities = params.capabilities;
    initOptions = (params.initializationOptions ?? {}) as InitializationOptions;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setFolders(folders.flatMap((uri) => uriToPath(uri) ?? []));
    workspace.setSettings(readSettings(initOptions.settings));
    workspace.watching = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const debounce = initOptions.debounceMs;
    const debounceMs = typeof debounce === 'number' && debounce >= 0 && debounce <= 10_000 ? debounce : undefined;
    if (initOptions.jobs === true) {
      jobsNotifier = new JobsNotifier((changed, removed) => {
        const params: JobsChangedNotification.Params = { changed, removed };
        void connection.sendNotification(JobsChangedNotification.method, params);
      });
    }
    const diagnosticOptions = { relatedInformation: capabilities.textDocument?.publishDiagnostics?.relatedInformation === true };
    publisher = new Publisher(connection, workspace, log, debounceMs, diagnosticOptions, jobsNotifier);
    registerFeatures(connection, workspace, log, clientSupport(capabilities));
    return {
      capabilities: serverCapabilities(capabilities),
      serverInfo: { name: 'fastasyncio-language-server', version: process.env.FASTASYNCIO_VERSION ?? '0.1.0' },
    };
  });

  /** The window's settings and each workspace folder's, asked of the client. */
  const askSettings = async (): Promise<void> => {
    const folders = workspace.folders;
    const items = [{ section: SETTINGS_SECTION }, ...folders.map((f) => ({ scopeUri: pathToUri(f), section: SETTINGS_SECTION }))];
    const [window, ...perFolder] = (await connection.workspace.getConfiguration(items)) as unknown[];
    const folderSettings = new Map(folders.map((f, i) => [f, readSettings(initOptions.settings, perFolder[i] ?? window)]));
    workspace.setSettings(readSettings(initOptions.settings, window), folderSettings);
  };

  /**
   * Settings from the client, open documents and configs on disk sorted out again under them, watchers
   * for the config globs, everything published.
   */
  const refresh = async (): Promise<void> => {
    if (capabilities.workspace?.configuration) await askSettings();
    if (workspace.watching) void watchers.register(workspace.settingsGlobs());
    for (const file of workspace.retrack(documents.all())) publisher?.clear(file);
    const found = new Set(await findConfigs(workspace.folders, (file) => workspace.isConfig(file)));
    for (const file of workspace.configs) if (!found.has(file) && !documents.get(workspace.uriOf(file))) publisher?.clear(file);
    workspace.configs.clear();
    for (const file of found) workspace.configs.add(file);
    for (const file of workspace.allConfigs()) workspace.forget(file);
    await publisher?.publishAll(workspace.allConfigs());
  };

  /** Scans run one after the other; `fastasyncio/jobs` answers once the one under way has ended. */
  let scanned = Promise.resolve();
  const scan = (name: string): Promise<void> =>
    (scanned = scanned.then(refresh).catch((error: unknown) => log.error(`${name} failed: ${describeError(error)}`)));

  connection.onInitialized(() => {
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.flatMap((f) => uriToPath(f.uri) ?? []));
        const added = event.added.flatMap((f) => uriToPath(f.uri) ?? []);
        workspace.setFolders([...workspace.folders.filter((f) => !removed.has(f)), ...added]);
        void scan('workspace folders');
      });
    }
    void scan('start');
  });

  connection.onDidChangeConfiguration(
    guardNotification(log, 'didChangeConfiguration', (change) => {
      if (!capabilities.workspace?.configuration) {
        const settings = (change.settings as Record<string, unknown> | null)?.[SETTINGS_SECTION];
        workspace.setSettings(readSettings(initOptions.settings, settings));
      }
      void scan('settings');
    }),
  );

  const answerJobs = guard<JobsRequest.Params, JobsRequest.Result>(log, 'jobs', [], (params) => {
    const files = params?.uris ? params.uris.flatMap((uri) => workspace.pathOf(uri) ?? []) : workspace.allConfigs().sort();
    const configs = files.flatMap((file) => {
      const doc = workspace.document(file);
      return doc ? [configJobs(doc, workspace.runSettings(file))] : [];
    });
    // The whole list replaces what the client had: later notifications are news to it.
    if (!params?.uris) for (const config of configs) jobsNotifier?.seen(config);
    return configs;
  });
  connection.onRequest(JobsRequest.method, async (params: JobsRequest.Params, token: CancellationToken) => {
    await (params?.rescan ? scan('rescan') : scanned);
    return answerJobs(params, token);
  });

  documents.onDidOpen(
    guardNotification(log, 'didOpen', (event) => {
      const file = workspace.opened(event.document);
      if (file) justOpened.add(file);
    }),
  );
  documents.onDidChangeContent(
    guardNotification(log, 'didChange', (event) => {
      const file = workspace.pathOf(event.document.uri);
      if (!file || !publisher) return;
      if (justOpened.delete(file)) publisher.publish(file);
      else publisher.schedule(file);
    }),
  );
  documents.onDidClose(
    guardNotification(log, 'didClose', (event) => {
      const file = workspace.pathOf(event.document.uri);
      if (!file) return;
      justOpened.delete(file);
      workspace.closed(file);
      if (workspace.configs.has(file)) publisher?.publish(file);
      else publisher?.clear(file);
    }),
  );
  connection.onDidChangeWatchedFiles(
    guardNotification(log, 'didChangeWatchedFiles', (params) => {
      if (publisher) filesChanged(workspace, publisher, params.changes, (file) => documents.get(workspace.uriOf(file)) !== undefined);
    }),
  );
  documents.onDidSave(
    guardNotification(log, 'didSave', (event) => {
      const file = workspace.pathOf(event.document.uri);
      if (file && publisher) configSaved(workspace, publisher, file);
    }),
  );
  connection.onExecuteCommand(
    guard(log, 'executeCommand', null, (params) => {
      const showDocument = capabilities.window?.showDocument?.support === true;
      return publisher ? executeCommand(params, { connection, workspace, publisher, log, showDocument }) : null;
    }),
  );

  documents.listen(connection);
  connection.listen();
}
