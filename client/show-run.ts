/**
 * Where the run view plugs in (no `vscode` here). "Show Run" (`fastasyncio.showRun`: the end-of-run
 * notification, the tree's run items, the status bar after a run) and "Show Job Graph"
 * (`fastasyncio.showJobGraph`) call the functions set here; until one is set, the commands fall back
 * (a run's log; a message that the graph view is not available).
 */

/** A run, live or recorded: its record is `<root>/.fastasyncio/runs/<runId>`. */
export interface RunRef {
  runId: string;
  /** The config's absolute path. */
  configFile: string;
  /** The project root. */
  root: string;
  job: string;
}

/** A job of a config. */
export interface JobRef {
  /** The config's absolute path. */
  configFile: string;
  job: string;
}

export type ShowRun = (run: RunRef) => void;
export type ShowJobGraph = (job: JobRef) => void;

/** Undoes a `set…` (the view's own disposal unplugs it). */
export interface Unplug {
  dispose(): void;
}

let showRunHook: ShowRun | undefined;
let showJobGraphHook: ShowJobGraph | undefined;

/** Makes "Show Run" open a run's picture with `fn`; the returned `dispose` unplugs it (if still plugged). */
export function setShowRun(fn: ShowRun): Unplug {
  showRunHook = fn;
  return { dispose: () => void (showRunHook === fn && (showRunHook = undefined)) };
}

/** Makes "Show Job Graph" open a job's graph with `fn`; the returned `dispose` unplugs it (if still plugged). */
export function setShowJobGraph(fn: ShowJobGraph): Unplug {
  showJobGraphHook = fn;
  return { dispose: () => void (showJobGraphHook === fn && (showJobGraphHook = undefined)) };
}

/** Shows the run with the plugged-in view; false when there is none (the caller falls back). */
export function showRunWithHook(run: RunRef): boolean {
  if (!showRunHook) return false;
  // Only the reference goes out: a live run's controller and state stay the extension's.
  showRunHook({ runId: run.runId, configFile: run.configFile, root: run.root, job: run.job });
  return true;
}

/** Shows the job's graph with the plugged-in view; false when there is none (the caller falls back). */
export function showJobGraphWithHook(job: JobRef): boolean {
  if (!showJobGraphHook) return false;
  showJobGraphHook({ configFile: job.configFile, job: job.job });
  return true;
}
