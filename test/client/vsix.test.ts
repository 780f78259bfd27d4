import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { listFiles, PackageManager } from '@vscode/vsce';

const REPO = path.resolve(__dirname, '../..');

test("the VSIX takes the Python runner and package's sources, not their tests nor __pycache__", async () => {
  // vsce's own file selection, over the real manifest and .vscodeignore and a made-up python/ folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-vsix-'));
  try {
    for (const file of ['package.json', '.vscodeignore']) fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
    const files = [
      'dist/extension.js',
      'python/fastasyncio_runner.py',
      'python/__pycache__/fastasyncio_runner.cpython-312.pyc',
      'python/fastasyncio/__init__.py',
      'python/fastasyncio/task.py',
      'python/fastasyncio/__pycache__/task.cpython-312.pyc',
      'python/fastasyncio/sub/handler.py',
      'python/fastasyncio/sub/__pycache__/handler.cpython-312.pyc',
      'python/tests/test_task.py',
      'client/python.ts',
    ];
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), '');
    }
    const packaged = (await listFiles({ cwd: dir, packageManager: PackageManager.None })).filter((f) => f !== 'package.json').sort();
    assert.deepEqual(packaged, [
      'dist/extension.js',
      'python/fastasyncio/__init__.py',
      'python/fastasyncio/sub/handler.py',
      'python/fastasyncio/task.py',
      'python/fastasyncio_runner.py',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
