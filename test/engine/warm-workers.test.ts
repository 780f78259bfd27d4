// Warm workers (the HTTP server's and the extension's): booted ahead of their run, one run each, so that
// nothing a task leaves in memory reaches a later run, and a dead worker is never handed out.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { runJobInChild } from '../../engine/run/child-runner';
import { WarmWorkers } from '../../engine/run/warm-workers';
import { waitFor } from '../http/harness';
import { oneJobProjects, taskModule } from '../helpers/project';

const project = oneJobProjects();
const pools: WarmWorkers[] = [];
after(() => pools.forEach((p) => p.close()));

const pool = (size: number) => {
  const made = new WarmWorkers(size);
  pools.push(made);
  return made;
};

/** A task that reports its process and whether an earlier run's global is still there. */
const leaky = () =>
  project(
    [{ name: 'A' }],
    taskModule('A', 'const seen = globalThis.__left ?? null;\n    globalThis.__left = ctx.runId;\n    return { pid: process.pid, seen };'),
  );

describe('warm workers', () => {
  test('a run takes a booted worker, and the next run another one: nothing a task left in memory is seen again', async () => {
    const p = leaky();
    const warm = pool(1);
    assert.equal(warm.take(), undefined, 'none is ready before the first fill');
    const first = await waitForWorker(warm);
    const one = await runJobInChild({ configFile: p.configFile, job: 'job1', worker: first });
    assert.equal(one.status, 'succeeded');
    assert.deepEqual(one.results.A, { pid: first.pid, seen: null }, 'the task ran in the warm worker');
    const second = await waitForWorker(warm);
    assert.notEqual(second.pid, first.pid);
    const two = await runJobInChild({ configFile: p.configFile, job: 'job1', worker: second });
    assert.deepEqual(two.results.A, { pid: second.pid, seen: null }, "the first run's global is gone");
    assert.notEqual(first.exitCode ?? first.signalCode, null, 'a worker runs one run and exits');
  });

  test('a worker that died while idle is never handed out; close stops the idle ones', async () => {
    const warm = pool(2);
    warm.fill();
    const [a] = [await waitForWorker(warm)];
    a.kill('SIGKILL');
    await once(a, 'exit');
    const b = await waitForWorker(warm);
    assert.notEqual(b.pid, a.pid);
    assert.ok(b.connected);
    b.kill('SIGKILL');
    warm.close();
    assert.equal(warm.take(), undefined);
  });

  test('a refused run kills the worker it was given', async () => {
    const p = leaky();
    const warm = pool(1);
    const worker = await waitForWorker(warm);
    await assert.rejects(runJobInChild({ configFile: p.configFile, job: 'job1', worker, rerun: { only: ['Nope'] } }), /no task "Nope"/);
    await waitFor(() => worker.exitCode !== null || worker.signalCode !== null, 'the worker to be stopped', 5000);
  });
});

/** The pool's next worker once one is booted and connected (taken from it). */
async function waitForWorker(warm: WarmWorkers) {
  warm.fill();
  let worker: ReturnType<WarmWorkers['take']>;
  await waitFor(() => {
    worker = warm.take();
    return worker !== undefined;
  }, 'a warm worker');
  return worker!;
}
