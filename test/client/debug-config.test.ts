import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachConfiguration, debugOptions, pythonDebugType, RUN_KEY, runKeyOf } from '../../client/debug-config';

const CONTEXT = { job: 'job1', root: '/work/project', dist: '/ext/fastasyncio/dist', key: 'k1' };

describe('"Debug Job": what the run listens for', () => {
  it('the task worker under the inspector on a free port, waiting for the debugger', () => {
    assert.deepEqual(debugOptions(false), { inspect: { port: 0, brk: true } });
  });

  it('and the Python runner under debugpy when the job has Python tasks and a Python debugger is there', () => {
    assert.deepEqual(debugOptions(true), { inspect: { port: 0, brk: true }, python: { port: 0 } });
  });

  it('attaches to Python with the Python Debugger extension, else the Python extension of old, else not at all', () => {
    assert.equal(
      pythonDebugType((id) => id === 'ms-python.debugpy' || id === 'ms-python.python'),
      'debugpy',
    );
    assert.equal(
      pythonDebugType((id) => id === 'ms-python.debugpy'),
      'debugpy',
    );
    assert.equal(
      pythonDebugType((id) => id === 'ms-python.python'),
      'python',
    );
    assert.equal(
      pythonDebugType(() => false),
      undefined,
    );
  });
});

describe('"Debug Job": the configuration that attaches to a target', () => {
  it("attaches js-debug to the worker, resumes it, skips Node's and the engine's code, maps the task modules", () => {
    const configuration = attachConfiguration({ kind: 'node', host: '127.0.0.1', port: 40123, url: 'ws://127.0.0.1:40123/abc', pid: 7 }, CONTEXT);
    assert.deepEqual(configuration, {
      type: 'node',
      request: 'attach',
      name: 'FastAsyncio: job1',
      address: '127.0.0.1',
      port: 40123,
      continueOnAttach: true,
      skipFiles: ['<node_internals>/**', '/ext/fastasyncio/dist/**'],
      pauseForSourceMap: true,
      sourceMaps: true,
      resolveSourceMapLocations: ['/work/project/**', '!**/node_modules/**'],
      outFiles: [],
      enableContentValidation: false,
      cwd: '/work/project',
      attachExistingChildren: false,
      autoAttachChildProcesses: false,
      [RUN_KEY]: 'k1',
    });
  });

  it('attaches debugpy to the Python runner, into the library code too', () => {
    const target = { kind: 'python', host: '127.0.0.1', port: 5678 } as const;
    assert.deepEqual(attachConfiguration(target, { ...CONTEXT, pythonType: 'debugpy' }), {
      type: 'debugpy',
      request: 'attach',
      name: 'FastAsyncio: job1 (Python)',
      connect: { host: '127.0.0.1', port: 5678 },
      justMyCode: false,
      [RUN_KEY]: 'k1',
    });
    assert.equal(attachConfiguration(target, { ...CONTEXT, pythonType: 'python' })?.type, 'python', 'an older Python extension');
    assert.equal(attachConfiguration(target, CONTEXT), undefined, 'no Python debugger: nothing to attach with');
  });

  it("names the run it belongs to, so that a session's end can be told", () => {
    const configuration = attachConfiguration({ kind: 'node', host: '::1', port: 1, url: 'ws://[::1]:1/x' }, CONTEXT);
    assert.equal(runKeyOf(configuration), 'k1');
    assert.equal(runKeyOf({ type: 'node', request: 'launch', name: 'mine' }), undefined);
    assert.equal(runKeyOf(undefined), undefined);
  });
});
