import { type Connection, DidChangeWatchedFilesNotification, type Disposable, type FileEvent, FileChangeType } from 'vscode-languageserver/node';
import { describeError, type Logger } from './log';
import { CONFIG_GLOBS, MODULE_GLOB } from './protocol';
import type { Publisher } from './publisher';
import { uriToPath } from './service';
import type { Workspace } from './workspace';

/**
 * Asks the client to watch task and handler modules and configs (dynamic registration, so any editor
 * that supports it does the watching). Registering again replaces the earlier watchers.
 */
export class Watchers {
  private registration: Promise<Disposable> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly log: Logger,
  ) {}

  /** `configGlobs`: the settings' own, relative to a workspace folder. */
  async register(configGlobs: readonly string[]): Promise<void> {
    const previous = this.registration;
    const patterns = new Set([MODULE_GLOB, ...CONFIG_GLOBS, ...configGlobs.map(anyFolder)]);
    this.registration = this.connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [...patterns].map((globPattern) => ({ globPattern })),
    });
    try {
      (await previous)?.dispose();
      await this.registration;
    } catch (error) {
      this.log.error(`watching files failed: ${describeError(error)}`);
    }
  }
}

/**
 * A watcher's pattern is matched against absolute paths: a glob relative to a workspace folder
 * (`pipelines/*.json`) is watched in any folder, and the workspace tells configs from other files.
 */
function anyFolder(glob: string): string {
  const relative = glob.replace(/^\.\//, '');
  return relative.startsWith('**/') ? relative : `**/${relative}`;
}

/**
 * A batch of watched-file events: forget what was cached about those files, track configs that appear
 * or go, and analyse again every config whose task or handler folder (or own file) changed.
 */
export function filesChanged(workspace: Workspace, publisher: Publisher, events: readonly FileEvent[], isOpen: (file: string) => boolean): void {
  const changed: string[] = [];
  const affected = new Set<string>();
  for (const event of events) {
    const file = uriToPath(event.uri);
    if (!file || !workspace.files.allowed(file)) continue;
    workspace.files.invalidate(file);
    changed.push(file);
    if (!workspace.isConfig(file)) continue;
    workspace.forget(file);
    if (event.type === FileChangeType.Deleted) {
      workspace.configs.delete(file);
      if (!isOpen(file)) publisher.clear(file);
    } else {
      workspace.configs.add(file);
      affected.add(file);
    }
  }
  for (const config of workspace.allConfigs()) {
    if (changed.some((file) => workspace.dependsOn(config, file))) affected.add(config);
  }
  void publisher.publishAll(affected);
}
