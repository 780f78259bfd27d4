import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choosePython, describeChoice, interpreterOf, timeBox } from '../../client/python-choice';
import { usesPython } from '../../engine/run/module-executor';

/** The Python extension as choosePython sees it: an answer, and whether it was asked. */
function extension(answer: string | undefined) {
  const asked = { count: 0 };
  return { asked, fromExtension: () => (asked.count++, Promise.resolve(answer)) };
}

describe('the interpreter a run is given', () => {
  it('passes none when FASTASYNCIO_PYTHON is set: the engine reads it, and it wins', async () => {
    const ext = extension('/ext/python');
    assert.deepEqual(await choosePython({ env: '/opt/py/bin/python', setting: '/venv/bin/python', fromExtension: ext.fromExtension }), {
      source: 'FASTASYNCIO_PYTHON',
    });
    assert.equal(ext.asked.count, 0, 'the Python extension is not asked');
  });

  it('else the setting, without asking the Python extension', async () => {
    const ext = extension('/ext/python');
    assert.deepEqual(await choosePython({ env: '', setting: '/ws/.venv/bin/python', fromExtension: ext.fromExtension }), {
      python: '/ws/.venv/bin/python',
      source: 'setting',
    });
    assert.equal(ext.asked.count, 0);
  });

  it("else the Python extension's, else none (the engine looks for one)", async () => {
    assert.deepEqual(await choosePython({ env: undefined, setting: undefined, fromExtension: extension('/ext/bin/python').fromExtension }), {
      python: '/ext/bin/python',
      source: 'Python extension',
    });
    assert.deepEqual(await choosePython({ env: '  ', setting: ' ', fromExtension: extension(undefined).fromExtension }), { source: 'engine' });
  });

  it("names where the extension's choice came from, for the run's first line; nothing when the engine chooses", () => {
    assert.equal(describeChoice({ python: '/v/bin/python', source: 'setting' }), 'the fastasyncio.pythonPath setting');
    assert.equal(describeChoice({ python: '/e/python', source: 'Python extension' }), 'the Python extension');
    assert.equal(describeChoice({ source: 'FASTASYNCIO_PYTHON' }), undefined);
    assert.equal(describeChoice({ source: 'engine' }), undefined);
  });

  it('is looked for only for jobs with a Python task or handler module', () => {
    const task = (module?: string) => ({ module }) as never;
    assert.equal(usesPython({ tasks: [task('/p/task1.ts'), task(undefined)] }), false);
    assert.equal(usesPython({ tasks: [task('/p/task1.ts'), task('/p/task2.py')] }), true);
    assert.equal(usesPython({ handlerModule: '/p/handler/job1_handler.py', tasks: [] }), true);
  });
});

describe("the Python extension's environment", () => {
  const disk = (dirs: string[], files: string[]) => ({ isDirectory: (f: string) => dirs.includes(f), isFile: (f: string) => files.includes(f) });

  it('is its executable, else its path', () => {
    const none = disk([], []);
    assert.equal(interpreterOf({ executable: '/envs/a/bin/python3.12', path: '/envs/a' }, none), '/envs/a/bin/python3.12');
    assert.equal(interpreterOf({ path: '/usr/bin/python3' }, none), '/usr/bin/python3');
    assert.equal(interpreterOf({}, none), undefined);
  });

  it('is the interpreter inside a path that is a folder, or none when there is none', () => {
    assert.equal(interpreterOf({ path: '/envs/b' }, disk(['/envs/b'], ['/envs/b/bin/python'])), '/envs/b/bin/python');
    assert.equal(interpreterOf({ path: '/envs/c' }, disk(['/envs/c'], ['/envs/c/bin/python3'])), '/envs/c/bin/python3');
    assert.equal(interpreterOf({ path: '/envs/d' }, disk(['/envs/d'], [])), undefined);
    const windows = disk(['C:\\envs\\w'], ['C:\\envs\\w\\Scripts\\python.exe']);
    assert.equal(interpreterOf({ path: 'C:\\envs\\w' }, windows, 'win32'), 'C:\\envs\\w\\Scripts\\python.exe');
  });
});

describe('timeBox', () => {
  it('gives the value, or undefined when the promise rejects or is too slow', async () => {
    assert.equal(await timeBox(Promise.resolve(3), 50), 3);
    assert.equal(await timeBox(Promise.reject(new Error('no Python extension')), 50), undefined);
    const started = Date.now();
    assert.equal(await timeBox(new Promise<number>(() => undefined), 30), undefined);
    assert.ok(Date.now() - started < 1000);
  });
});
