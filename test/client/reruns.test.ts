import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forcedRequest, isRerunError, offersRerunFailed, offersRunAnyway, rerunFailedRequest, reusedText, runTaskRequest } from '../../client/reruns';
import { runEndActions } from '../../client/run-outcome';
import { taskTooltip } from '../../client/task-errors';
import { taskDescription } from '../../client/task-item';
import type { RunStatus, TaskSummary } from '../../engine/run/events';
import { RerunError } from '../../engine/run/rerun';
import { shortRunId } from '../../engine/view/model';

const RUN_ID = '20261203T084333012Z-249fd1';
const STATUSES: RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'];

describe('"Re-run Failed"', () => {
  it('is offered on a run that ended failed or cancelled, and on no other', () => {
    const offered = STATUSES.filter((status) => offersRerunFailed({ status, finished: true }));
    assert.deepEqual(offered, ['failed', 'cancelled']);
    assert.equal(offersRerunFailed({ status: 'failed', finished: false }), false, 'not before the run has ended');
  });

  it('asks the engine to reuse what succeeded in that run', () => {
    assert.deepEqual(rerunFailedRequest(RUN_ID), { from: RUN_ID });
  });

  it("is the end-of-run notification's last button on a failed or cancelled run", () => {
    const run = (status: RunStatus, tasks: Record<string, TaskSummary> = {}) => ({ job: 'job1', status, durationMs: 10, tasks, finished: true });
    assert.deepEqual(runEndActions(run('succeeded')), ['Show Run', 'Show Log']);
    assert.deepEqual(runEndActions(run('failed', { Task2: { status: 'failed', attempts: 1, durationMs: 5 } })), [
      'Show Run',
      'Show Log',
      'Re-run',
      'Re-run Failed',
    ]);
    assert.deepEqual(runEndActions(run('cancelled')), ['Show Run', 'Show Log', 'Re-run Failed']);
    assert.deepEqual(runEndActions(run('interrupted')), ['Show Run', 'Show Log', 'Re-run']);
  });
});

describe('"Run Task"', () => {
  it("runs only the task, with its dependencies' results from the latest run that has them", () => {
    assert.deepEqual(runTaskRequest('Task4'), { only: ['Task4'] });
  });

  it('on a task of a recorded run, takes them from that run', () => {
    assert.deepEqual(runTaskRequest('Task4', RUN_ID), { from: RUN_ID, only: ['Task4'] });
  });

  it('"Run anyway" asks the same with force', () => {
    const request = runTaskRequest('Task4', RUN_ID);
    assert.deepEqual(forcedRequest(request), { from: RUN_ID, only: ['Task4'], force: true });
    assert.deepEqual(request, { from: RUN_ID, only: ['Task4'] }, 'the request itself is left as it was');
  });
});

describe("the engine's refusal of a re-run", () => {
  it('is told by its class, or its name once it has crossed a boundary', () => {
    assert.equal(isRerunError(new RerunError('no earlier run of job1 has a result for Task1', 'missing')), true);
    const copied = Object.assign(new Error('Task1 changed since'), { name: 'RerunError' });
    assert.equal(isRerunError(copied), true);
    assert.equal(isRerunError(new Error('boom')), false);
    assert.equal(isRerunError('RerunError'), false);
  });

  it('offers "Run anyway" when a change since the earlier run is the reason, and only then', () => {
    assert.equal(offersRunAnyway(new RerunError("Task1's module changed since run x", 'changed')), true);
    assert.equal(offersRunAnyway(new RerunError('no earlier run of job1 has a result for Task1', 'missing')), false);
    assert.equal(offersRunAnyway(new RerunError('there is no task Tsak1 in job1', 'request')), false);
    // Without a reason (an engine that does not give one): the message says it.
    assert.equal(offersRunAnyway(Object.assign(new Error("Task1's definition changed since run x"), { name: 'RerunError' })), true);
    assert.equal(offersRunAnyway(Object.assign(new Error('no result for Task1'), { name: 'RerunError' })), false);
  });
});

describe('a reused task', () => {
  it('names the run its result comes from by the short part of its id', () => {
    assert.equal(shortRunId(RUN_ID), '249fd1');
    assert.equal(shortRunId('not-a-run-id'), 'not-a-run-id', 'anything else as it is');
    assert.equal(reusedText(RUN_ID), 'reused from 249fd1');
  });

  it('reads as such in the tree: no duration of its own, and the run in its tooltip', () => {
    assert.equal(taskDescription({ status: 'succeeded', attempts: 0, durationMs: 0, reused: RUN_ID }), 'succeeded · reused from 249fd1');
    assert.equal(taskDescription({ status: 'succeeded', attempts: 1, durationMs: 1200 }), 'succeeded · 1.20s', 'a task that ran says how long');
    assert.equal(
      taskTooltip('Task1', 'succeeded', undefined, undefined, RUN_ID),
      "**Task1** succeeded\n\nNot run again: its result is run 20261203T084333012Z\\-249fd1's.",
    );
  });
});
