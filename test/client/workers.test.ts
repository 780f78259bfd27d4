import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { channelEntries } from '../../client/channel-lines';
import { taskTooltip } from '../../client/task-errors';
import { taskDescription } from '../../client/task-item';
import { redisOf, whereItems } from '../../client/workers-choice';

describe('Run Job with a Redis', () => {
  it('takes fastasyncio.redisUrl, else FASTASYNCIO_REDIS_URL of the extension host, else offers no choice', () => {
    const env = { FASTASYNCIO_REDIS_URL: ' redis://env:6379 ' };
    assert.deepEqual(redisOf(' redis://set:6379 ', env), { url: 'redis://set:6379', source: 'fastasyncio.redisUrl' });
    assert.deepEqual(redisOf(undefined, env), { url: 'redis://env:6379', source: 'FASTASYNCIO_REDIS_URL' });
    assert.deepEqual(redisOf('  ', env), { url: 'redis://env:6379', source: 'FASTASYNCIO_REDIS_URL' });
    assert.equal(redisOf(undefined, {}), undefined);
    assert.equal(redisOf(undefined, { FASTASYNCIO_REDIS_URL: ' ' }), undefined);
  });

  it('offers "Run locally" and "Run on workers", the URL shown with its password masked', () => {
    const url = 'redis://:s3cret@queue.example:6380/2';
    const [local, workers] = whereItems({ url, source: 'fastasyncio.redisUrl' }, {});
    assert.equal(local.label, 'Run locally');
    assert.equal(local.workers, undefined);
    assert.equal(workers.label, 'Run on workers');
    assert.equal(workers.description, 'fastasyncio.redisUrl');
    assert.equal(workers.detail, 'redis://:***@queue.example:6380/2');
    assert.deepEqual(workers.workers, { redis: url });
    assert.equal(workers.problem, undefined);
    for (const item of [local, workers]) assert.ok(!`${item.label}${item.description ?? ''}${item.detail}`.includes('s3cret'));
  });

  it("names the project's queue as FASTASYNCIO_QUEUE_PREFIX does for the CLI", () => {
    const [, workers] = whereItems({ url: 'rediss://host:6380', source: 'FASTASYNCIO_REDIS_URL' }, { FASTASYNCIO_QUEUE_PREFIX: ' team-a ' });
    assert.deepEqual(workers.workers, { redis: 'rediss://host:6380', prefix: 'team-a' });
    assert.equal(workers.detail, 'rediss://host:6380');
  });

  it('refuses a value that is not a redis:// URL without repeating it', () => {
    for (const url of ['hunter2', 'http://:pw@host', 'localhost:6379']) {
      const [, workers] = whereItems({ url, source: 'fastasyncio.redisUrl' }, {});
      assert.equal(workers.workers, undefined, url);
      assert.match(workers.problem ?? '', /^fastasyncio\.redisUrl is not a redis:\/\/ or rediss:\/\/ URL/);
      assert.ok(!workers.detail.includes(url) && !workers.problem?.includes(url), url);
    }
  });
});

describe("a task's worker in the jobs view", () => {
  it('ends its description: status, duration, attempt, worker', () => {
    assert.equal(taskDescription({ status: 'succeeded', attempts: 1, durationMs: 1200, worker: 'w1' }), 'succeeded · 1.20s · on w1');
    assert.equal(
      taskDescription({ status: 'running', attempts: 2, durationMs: 0, worker: 'build-7.local-4242' }),
      'running · attempt 2 · on build-7.local-4242',
    );
    assert.equal(taskDescription({ status: 'failed', attempts: 3, durationMs: 850, worker: 'w2' }), 'failed · 850ms · attempt 3 · on w2');
    // Locally: as before.
    assert.equal(taskDescription({ status: 'succeeded', attempts: 1, durationMs: 1200 }), 'succeeded · 1.20s');
    assert.equal(taskDescription({ status: 'running', attempts: 1, durationMs: 0 }), 'running · attempt 1');
    assert.equal(taskDescription({ status: 'pending', attempts: 0, durationMs: 0 }), 'pending');
  });

  it('is in its tooltip', () => {
    assert.equal(taskTooltip('Task1', 'succeeded', undefined, 'w1'), '**Task1** succeeded on worker w1');
    assert.equal(taskTooltip('Task2', 'failed', { message: 'boom' }, 'host-1'), '**Task2** failed on worker host\\-1\n\nboom');
    assert.equal(taskTooltip('Task1', 'succeeded', undefined), '**Task1** succeeded');
  });

  it('is said in the output channel when a worker takes the task', () => {
    assert.deepEqual(channelEntries({ type: 'task-assigned', runId: 'r1', seq: 3, time: 0, task: 'Task1', attempt: 1, worker: 'w1' }), [
      { level: 'info', text: '  Task1 runs on worker w1' },
    ]);
  });
});
