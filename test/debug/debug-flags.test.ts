import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { takeDebugFlags } from '../../engine/cli/debug-flags';
import { UsageError } from '../../engine/cli/load';
import { inspectorArgs, inspectorLine } from '../../engine/run/inspector';

describe('takeDebugFlags', () => {
  test('no debug flag: the arguments unchanged, no debug options', () => {
    assert.deepEqual(takeDebugFlags(['configs/job_config.json', 'job1', '--concurrency', '2']), {
      args: ['configs/job_config.json', 'job1', '--concurrency', '2'],
    });
  });

  test('each flag without a value takes its default port, and leaves the other arguments in order', () => {
    assert.deepEqual(takeDebugFlags(['job1', '--inspect', '--format', 'json']), {
      args: ['job1', '--format', 'json'],
      debug: { inspect: { port: 9229, brk: false } },
    });
    assert.deepEqual(takeDebugFlags(['--inspect-brk', 'job1']), { args: ['job1'], debug: { inspect: { port: 9229, brk: true } } });
    assert.deepEqual(takeDebugFlags(['--debug-python', 'job1']), { args: ['job1'], debug: { python: { port: 5678 } } });
  });

  test('=PORT (0: a free one), =HOST:PORT and =[IPv6]:PORT', () => {
    assert.deepEqual(takeDebugFlags(['--inspect=0']).debug, { inspect: { port: 0, brk: false } });
    assert.deepEqual(takeDebugFlags(['--inspect-brk=0.0.0.0:9230']).debug, { inspect: { port: 9230, brk: true, host: '0.0.0.0' } });
    assert.deepEqual(takeDebugFlags(['--debug-python=[::1]:5679']).debug, { python: { port: 5679, host: '::1' } });
    assert.deepEqual(takeDebugFlags(['--inspect=localhost:0', '--debug-python=0']).debug, {
      inspect: { port: 0, brk: false, host: 'localhost' },
      python: { port: 0 },
    });
  });

  test('the same flag twice: the last one counts', () => {
    assert.deepEqual(takeDebugFlags(['--inspect=1', '--inspect=2']).debug, { inspect: { port: 2, brk: false } });
  });

  test('nothing after -- is taken', () => {
    assert.deepEqual(takeDebugFlags(['job1', '--', '--inspect']), { args: ['job1', '--', '--inspect'] });
  });

  test('a bad port or host is a usage error that names the flag and the value', () => {
    const refuses = (args: string[], message: RegExp) =>
      assert.throws(
        () => takeDebugFlags(args),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    refuses(['--inspect=abc'], /^--inspect must be an integer from 0 to 65535, got "abc"$/);
    refuses(['--inspect-brk=65536'], /^--inspect-brk must be an integer from 0 to 65535, got "65536"$/);
    refuses(['--debug-python='], /^--debug-python must be an integer from 0 to 65535, got ""$/);
    refuses(['--debug-python=:5678'], /^--debug-python takes PORT or HOST:PORT, got ":5678"$/);
    refuses(['--inspect=-1'], /^--inspect must be/);
    refuses(['--inspect', '--inspect-brk'], /^give --inspect or --inspect-brk, not both$/);
  });
});

describe('the Node inspector of the task worker', () => {
  test("Node's flag for the options", () => {
    assert.deepEqual(inspectorArgs(undefined), []);
    assert.deepEqual(inspectorArgs({ port: 0, brk: true }), ['--inspect-brk=127.0.0.1:0']);
    assert.deepEqual(inspectorArgs({ port: 9230, brk: false, host: '::1' }), ['--inspect=[::1]:9230']);
  });

  test("Node's lines on the worker's stderr", () => {
    assert.deepEqual(inspectorLine('Debugger listening on ws://127.0.0.1:9229/0f2c5c1e-5b59-4c57-a1a6-2d0c8d2e6d2f'), {
      kind: 'listening',
      host: '127.0.0.1',
      port: 9229,
      url: 'ws://127.0.0.1:9229/0f2c5c1e-5b59-4c57-a1a6-2d0c8d2e6d2f',
    });
    assert.deepEqual(inspectorLine('Debugger listening on ws://[::1]:9230/abc'), { kind: 'listening', host: '::1', port: 9230, url: 'ws://[::1]:9230/abc' });
    assert.deepEqual(inspectorLine('For help, see: https://nodejs.org/en/docs/inspector'), { kind: 'help' });
    assert.match(
      (inspectorLine('Starting inspector on 127.0.0.1:9229 failed: address already in use') as { message: string }).message,
      /could not listen on 127\.0\.0\.1:9229 \(address already in use\): choose another port/,
    );
    assert.equal(inspectorLine('Debugger attached.'), undefined);
    assert.equal(inspectorLine('a task printed: Debugger listening on ws://127.0.0.1:1/x'), undefined);
  });
});
