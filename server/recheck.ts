import type { Publisher } from './publisher';
import type { Workspace } from './workspace';

/**
 * Files that changed where no watched-file event will tell (the server made them, or the client's
 * watcher missed them): their caches are dropped and every config that depends on them is analysed
 * and published again.
 */
export function changedUnseen(workspace: Workspace, publisher: Publisher, files: readonly string[]): void {
  if (files.length === 0) return;
  const affected = workspace.allConfigs().filter((config) => files.some((file) => workspace.dependsOn(config, file)));
  for (const file of files) workspace.files.invalidate(file);
  for (const config of affected) workspace.forget(config);
  void publisher.publishAll(affected);
}

/**
 * A config was saved: look again in the folders where its last analysis missed a module, since the
 * client's watcher may have missed their creation (Emacs' does). Cheap whatever the config's size:
 * one listing per such folder.
 */
export function configSaved(workspace: Workspace, publisher: Publisher, file: string): void {
  changedUnseen(
    workspace,
    publisher,
    workspace.files.recheck(file).map((c) => c.file),
  );
}
