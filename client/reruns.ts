import type { RunStatus } from '../engine/run/events';
import { RerunError, type RerunRequest } from '../engine/run/rerun';
import { shortRunId } from '../engine/view/model';

/**
 * Re-runs as the extension asks for them (pure, no `vscode`): which runs offer "Re-run Failed", the
 * engine's `rerun` request that "Re-run Failed" and "Run Task" make, and how a refusal is told.
 */

/** "Re-run Failed" is offered on a run that has ended failed or cancelled: some of its tasks did not succeed. */
export function offersRerunFailed(run: { status: RunStatus; finished: boolean }): boolean {
  return run.finished && (run.status === 'failed' || run.status === 'cancelled');
}

/** "Re-run Failed" on run `runId`: what succeeded there is reused, every other task runs. */
export function rerunFailedRequest(runId: string): RerunRequest {
  return { from: runId };
}

/**
 * "Run Task": just that task, with its dependencies' results from run `runId` when it was asked on a task
 * of that run, else from the latest run where they succeeded (the engine looks).
 */
export function runTaskRequest(task: string, runId?: string): RerunRequest {
  return runId === undefined ? { only: [task] } : { from: runId, only: [task] };
}

/** The same request, reusing results even though a task's definition or module changed since ("Run anyway"). */
export function forcedRequest(request: RerunRequest): RerunRequest {
  return { ...request, force: true };
}

/** The engine refused the re-run before it started (`RerunError`): its message says what and why. */
export function isRerunError(error: unknown): error is Error {
  return error instanceof RerunError || (error instanceof Error && error.name === 'RerunError');
}

/**
 * Whether a refusal is about a change since the earlier run (a reused task's definition or module): then
 * "Run anyway" (`force`) makes sense. The other refusals (no earlier run has the inputs) it would not mend.
 */
export function offersRunAnyway(error: Error): boolean {
  const reason = (error as Partial<RerunError>).reason;
  return reason === undefined ? /changed since/i.test(error.message) : reason === 'changed';
}

/** What a reused task says instead of its duration: `reused from 249fd1` (the run id's random part, as the Run view shows it). */
export function reusedText(runId: string): string {
  return `reused from ${shortRunId(runId)}`;
}
