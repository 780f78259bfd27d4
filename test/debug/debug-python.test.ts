import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { runJobInChild } from '../../engine/run/child-runner';
import type { DebugTarget } from '../../engine/run/debug';
import { readRun } from '../../engine/run/records';
import { CLI, cli } from '../helpers/cli';
import { pythonProjects, pythonTask } from '../helpers/python';
import { DapClient } from './dap';

// `fastasyncio run --debug-python`: the Python runner under debugpy, attached to by a Debug Adapter
// Protocol client as VS Code's Python debugger would (initialize, attach, breakpoints,
// configurationDone); and the run's message when the interpreter has no debugpy.

const project = pythonProjects();

const hasDebugpy = (python: string) => spawnSync(python, ['-c', 'import debugpy'], { stdio: 'ignore' }).status === 0;

/** python3, or Debian's (where `apt-get install python3-debugpy` puts it), whichever has debugpy. */
const withDebugpy = ['python3', '/usr/bin/python3'].find(hasDebugpy);

describe('fastasyncio run --debug-python', () => {
  test(
    'debugpy listens where the run says; a DAP client attaches, stops at a breakpoint in the task, and the run succeeds',
    { skip: withDebugpy ? false : 'no python3 with debugpy here (apt-get install python3-debugpy)' },
    async () => {
      const p = project([{ name: 'Py', timeout: 1 }], pythonTask('Py', 'value = 41\nreturn value + 1'));
      const file = path.join(p.root, 'src/job/task/py.py');
      const line =
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('return value + 1')) + 1;
      const child = spawn(process.execPath, [CLI, 'run', p.configFile, 'job1', '--debug-python=0', '--python', withDebugpy!], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = once(child, 'close');
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          const found = /debugger: debugpy listens on 127\.0\.0\.1:(\d+)/.exec(stderr);
          if (found) resolve(Number(found[1]));
        });
        child.on('close', () => reject(new Error(`the run ended before debugpy listened:\n${stderr}${stdout}`)));
      });
      const dap = await DapClient.connect('127.0.0.1', port);
      await dap.request('initialize', { clientID: 'fastasyncio-test', adapterID: 'debugpy', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
      // debugpy answers `attach` once the configuration is done.
      const attached = dap.request('attach', { justMyCode: true });
      await dap.event('initialized');
      const set = await dap.request('setBreakpoints', { source: { path: file }, breakpoints: [{ line }] });
      assert.equal((set.body?.breakpoints as { verified: boolean }[])[0].verified, true);
      await dap.request('configurationDone');
      await attached;
      const stopped = await Promise.race([
        dap.event('stopped'),
        sleep(20_000, undefined, { ref: false }).then(() => Promise.reject(new Error(`no stop:\n${stderr}${stdout}`))),
      ]);
      const threadId = stopped.body?.threadId as number;
      const trace = await dap.request('stackTrace', { threadId });
      const top = (trace.body?.stackFrames as { name: string; line: number; source?: { path?: string } }[])[0];
      assert.deepEqual({ name: top.name, line: top.line, path: top.source?.path }, { name: 'execute', line, path: file });
      // Paused past the task's 1 s timeout: timeouts are off while debugging.
      await sleep(1500);
      await dap.request('continue', { threadId });
      await exited;
      dap.close();
      assert.equal(child.exitCode, 0, stderr + stdout);
      assert.match(stdout, /✓ Py succeeded/);
      const events = readRun(p.root, p.records()[0].replace(/\.jsonl$/, '')) ?? [];
      const said = events.flatMap((e) => (e.type === 'run-log' ? [e.message] : []));
      assert.ok(
        said.some((m) => m.startsWith(`debugger: debugpy listens on 127.0.0.1:${port} (the Python runner, pid `)),
        said.join('\n'),
      );
      assert.ok(said.includes('task timeouts are off while debugging'), said.join('\n'));
    },
  );

  test('an interpreter without debugpy fails the run (exit 1) with how to install it', async () => {
    // python3 -S leaves site-packages out, where pip and Debian put debugpy.
    const p = project([{ name: 'Py' }], pythonTask('Py', 'return 1'));
    const wrapper = p.write('bin/python-no-site', `#!/bin/sh\nexec ${withDebugpy ?? 'python3'} -S "$@"\n`);
    fs.chmodSync(wrapper, 0o755);
    assert.equal(hasDebugpy(wrapper), false, 'the wrapper has no debugpy');
    const { code, stdout } = await cli(['run', p.configFile, 'job1', '--debug-python', '--python', wrapper]);
    assert.equal(code, 1, stdout);
    const hint = `debugpy is not installed for ${wrapper}: install it with \`${wrapper} -m pip install debugpy\` (Debian: apt-get install python3-debugpy)`;
    assert.ok(stdout.includes(hint), stdout);
    assert.match(stdout, /^Py\s+skipped\s+0\s+/m);
  });

  test(
    "without debugpy of its own, the interpreter uses the one given as debugpyPath (the editor's Python extension ships one)",
    { skip: withDebugpy ? false : 'no python3 with debugpy here (apt-get install python3-debugpy)' },
    async () => {
      const p = project([{ name: 'Py' }], pythonTask('Py', 'return 7'));
      const wrapper = p.write('bin/python-no-site', `#!/bin/sh\nexec ${withDebugpy!} -S "$@"\n`);
      fs.chmodSync(wrapper, 0o755);
      assert.equal(hasDebugpy(wrapper), false, 'the wrapper has no debugpy');
      // The package's own folder, as the Python extension's getDebuggerPackagePath gives it.
      const debugpyPath = spawnSync(withDebugpy!, ['-c', 'import debugpy, os; print(os.path.dirname(debugpy.__file__))'], { encoding: 'utf8' }).stdout.trim();
      const targets: DebugTarget[] = [];
      let attached: Promise<DapClient> | undefined;
      const summary = await runJobInChild({
        configFile: p.configFile,
        job: 'job1',
        python: wrapper,
        debug: { python: { port: 0, debugpyPath } },
        onDebugTarget: (target) => {
          targets.push(target);
          attached = (async () => {
            const dap = await DapClient.connect(target.host, target.port);
            await dap.request('initialize', {
              clientID: 'fastasyncio-test',
              adapterID: 'debugpy',
              pathFormat: 'path',
              linesStartAt1: true,
              columnsStartAt1: true,
            });
            const attach = dap.request('attach', { justMyCode: true });
            await dap.event('initialized');
            await dap.request('configurationDone');
            await attach;
            return dap;
          })();
        },
      });
      (await attached)?.close();
      assert.equal(summary.status, 'succeeded', JSON.stringify(summary));
      assert.equal(summary.results.Py, 7);
      assert.deepEqual(
        targets.map((t) => t.kind),
        ['python'],
      );
    },
  );
});
