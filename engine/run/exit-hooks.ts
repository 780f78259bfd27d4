const hooks = new Set<() => void>();
let installed = false;

/**
 * Runs `hook` when this process exits: one `exit` listener for every run going on (a server with many
 * concurrent runs would otherwise pass Node's listener warning limit). Returns the function that removes it.
 */
export function onProcessExit(hook: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const run of [...hooks]) {
        try {
          run();
        } catch {
          // One hook's failure must not keep the others from running.
        }
      }
    });
  }
  hooks.add(hook);
  return () => void hooks.delete(hook);
}
