import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runOutcome } from '../../client/run-outcome';
import type { RunSummary, TaskSummary } from '../../engine/run/events';

const task = (status: TaskSummary['status']): TaskSummary => ({ status, attempts: 1, durationMs: 10 });
const run = (status: RunSummary['status'], tasks: Record<string, TaskSummary> = {}, error?: string) => ({
  job: 'job1',
  status,
  durationMs: 3104,
  tasks,
  ...(error === undefined ? {} : { error }),
});

describe('how a run ended (the end-of-run notification and the status bar)', () => {
  it('a success: with its duration, no re-run', () => {
    assert.deepEqual(runOutcome(run('succeeded', { Task1: task('succeeded') })), {
      severity: 'info',
      message: 'job1 succeeded in 3.10s',
      failed: false,
      statusText: '$(pass) job1 succeeded',
    });
  });

  it('a failure: the tasks that failed or timed out, and a re-run', () => {
    const outcome = runOutcome(run('failed', { Task1: task('succeeded'), Task3: task('failed'), Task4: task('skipped') }));
    assert.deepEqual(outcome, { severity: 'error', message: 'job1 failed: Task3', failed: true, statusText: '$(error) job1 failed' });
    assert.equal(runOutcome(run('failed', { Task2: task('timedOut'), Task3: task('failed') })).message, 'job1 failed: Task2 (timed out) and Task3');
    const many = Object.fromEntries(['A', 'B', 'C', 'D', 'E'].map((id) => [id, task('failed')]));
    assert.equal(runOutcome(run('failed', many)).message, 'job1 failed: A, B, C and 2 more');
  });

  it("a failure that no task made: the run's own error, on one line and cut", () => {
    assert.equal(
      runOutcome(run('failed', { Task1: task('skipped') }, 'beforeJob threw: no database\n  at x')).message,
      'job1 failed: beforeJob threw: no database',
    );
    assert.equal(runOutcome(run('failed')).message, 'job1 failed');
    const long = runOutcome(run('failed', {}, 'x'.repeat(500))).message;
    assert.ok(long.length < 250 && long.endsWith('…'));
  });

  it('a cancel: a warning, no re-run', () => {
    assert.deepEqual(runOutcome(run('cancelled', { Task1: task('cancelled') })), {
      severity: 'warning',
      message: 'job1 cancelled',
      failed: false,
      statusText: '$(circle-slash) job1 cancelled',
    });
  });

  it('an interrupted run: an error, with why, and a re-run', () => {
    const outcome = runOutcome(run('interrupted', {}, 'the worker exited with code 1'));
    assert.equal(outcome.message, 'job1 was interrupted: the worker exited with code 1');
    assert.equal(outcome.severity, 'error');
    assert.ok(outcome.failed);
  });
});
