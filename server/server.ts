import { type ClientCapabilities, type Connection, DidChangeConfigurationNotification, type InitializeResult, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { clientSupport, serverCapabilities } from './capabilities';
import { registerFeatures } from './features';
import { guardNotification, inBackground } from './guard';
import type { Logger } from './log';
import { type InitializationOptions, SETTINGS_SECTION } from './protocol';
import { Publisher } from './publisher';
import { findConfigs } from './scan';
import { uriToPath } from './service';
import { readSettings } from './settings';
import { filesChanged, Watchers } from './watch';
import { Workspace } from './workspace';

/** Wires the connection's lifecycle, documents and workspace events to the workspace and the service. */
export function startServer(connection: Connection, log: Logger): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  const watchers = new Watchers(connection, log);
  let publisher: Publisher | undefined;
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
    publisher = new Publisher(connection, workspace, log, debounceMs, {
      relatedInformation: capabilities.textDocument?.publishDiagnostics?.relatedInformation === true,
    });
    registerFeatures(connection, workspace, log, clientSupport(capabilities));
    return {
      capabilities: serverCapabilities(capabilities),
      serverInfo: { name: 'fastasyncio-language-server', version: process.env.FASTASYNCIO_VERSION ?? '0.1.0' },
    };
  });

  /** Settings from the client, configs found again, watchers for the config globs, everything published. */
  const refresh = async (): Promise<void> => {
    if (capabilities.workspace?.configuration) {
      const section: unknown = await connection.workspace.getConfiguration(SETTINGS_SECTION);
      workspace.setSettings(readSettings(initOptions.settings, section));
    }
    if (workspace.watching) void watchers.register(workspace.settings.configGlobs);
    const found = await findConfigs(workspace.folders, (file) => workspace.isConfig(file));
    for (const file of workspace.configs) if (!found.includes(file) && !documents.get(workspace.uriOf(file))) publisher?.clear(file);
    workspace.configs.clear();
    for (const file of found) workspace.configs.add(file);
    for (const file of workspace.allConfigs()) workspace.forget(file);
    await publisher?.publishAll(workspace.allConfigs());
  };

  connection.onInitialized(() => {
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.flatMap((f) => uriToPath(f.uri) ?? []));
        const added = event.added.flatMap((f) => uriToPath(f.uri) ?? []);
        workspace.setFolders([...workspace.folders.filter((f) => !removed.has(f)), ...added]);
        inBackground(log, 'workspace folders', refresh);
      });
    }
    inBackground(log, 'start', refresh);
  });

  connection.onDidChangeConfiguration(
    guardNotification(log, 'didChangeConfiguration', (change) => {
      if (!capabilities.workspace?.configuration) {
        const settings = (change.settings as Record<string, unknown> | null)?.[SETTINGS_SECTION];
        workspace.setSettings(readSettings(initOptions.settings, settings));
      }
      inBackground(log, 'settings', refresh);
    }),
  );

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

  documents.listen(connection);
  connection.listen();
}
