import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JobRef, type RunRef, setShowJobGraph, setShowRun, showJobGraphWithHook, showRunWithHook } from '../../client/show-run';

const RUN: RunRef = { runId: '20250101-000000-abcd', configFile: '/p/configs/job_config.json', root: '/p', job: 'job1' };

describe('the run view hooks', () => {
  it('"Show Run" falls back (false) until a view is plugged in, then hands it the run, and no more once unplugged', () => {
    assert.equal(showRunWithHook(RUN), false);
    const shown: RunRef[] = [];
    const plug = setShowRun((run) => shown.push(run));
    // A live run's controller and state are not handed out: the reference only.
    assert.equal(showRunWithHook({ ...RUN, state: {}, controller: new AbortController() } as RunRef), true);
    assert.deepEqual(shown, [RUN]);
    plug.dispose();
    assert.equal(showRunWithHook(RUN), false);
  });

  it('unplugging an older view leaves the newer one plugged', () => {
    const first = setShowRun(() => undefined);
    const seen: string[] = [];
    const second = setShowRun((run) => seen.push(run.runId));
    first.dispose();
    assert.equal(showRunWithHook(RUN), true);
    assert.deepEqual(seen, [RUN.runId]);
    second.dispose();
  });

  it('"Show Job Graph" the same way', () => {
    const job: JobRef = { configFile: RUN.configFile, job: 'job1' };
    assert.equal(showJobGraphWithHook(job), false);
    const shown: JobRef[] = [];
    const plug = setShowJobGraph((j) => shown.push(j));
    assert.equal(showJobGraphWithHook(job), true);
    assert.deepEqual(shown, [job]);
    plug.dispose();
    assert.equal(showJobGraphWithHook(job), false);
  });
});
