import type { RunEvent } from '../run/events';
import { parseEvent } from '../run/record-reader';
import { type RecordedRun, replayRun } from '../run/recorded-runs';
import { applyEvent } from './fold';
import type { ViewModel } from './model';

/**
 * A recorded run (`inspectRun`, which completes an interrupted one as `fastasyncio runs` shows it) folded
 * into a view model, read streamed: a record of any size, of which the view keeps the last log lines of
 * each task.
 */
export async function foldRecordedRun(model: ViewModel, run: RecordedRun): Promise<ViewModel> {
  await replayRun(run, 0, (_seq, json) => {
    const event: RunEvent | undefined = parseEvent(json);
    if (event) applyEvent(model, event);
  });
  return model;
}
