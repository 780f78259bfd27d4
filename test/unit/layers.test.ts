/**
 * ARCHITECTURE.md's "dependencies point down only", checked on the sources: every import (type-only and
 * dynamic ones included) of each engine folder names a folder below it, and the engine imports neither
 * the server, the client nor `vscode`.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ENGINE = path.resolve(__dirname, '../../engine');

/** Each folder of the engine, and those it may import; `.` is the engine's top-level files (the files view). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  '.': ['.'],
  config: ['.'],
  analysis: ['.', 'config'],
  runtime: ['.'],
  project: ['.', 'config'],
  run: ['.', 'config', 'analysis', 'runtime'],
  http: ['.', 'config', 'analysis', 'runtime', 'run'],
  view: ['.', 'config', 'analysis', 'runtime', 'run'],
  cli: ['.', 'config', 'analysis', 'runtime', 'run', 'http', 'view'],
};
/** The one exception: the runtime names the run summary's type, declared with the other events. */
const TYPE_ONLY_EXCEPTIONS = new Set(['runtime -> run/events']);
/** Entry points: they import whatever they serve. */
const ENTRIES = new Set(['index.ts', 'cli.ts']);

const IMPORT = /(import\s+type\s[^'"]*?from\s*|import\s[^'"]*?from\s*|export\s[^'"]*?from\s*|import\s*\(\s*|import\s*)['"]([^'"]+)['"]/g;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

test('every engine folder imports only the folders below it', () => {
  const wrong: string[] = [];
  for (const file of sources(ENGINE)) {
    const relative = path.relative(ENGINE, file);
    if (ENTRIES.has(relative)) continue;
    // A folder's sub-folders (run/python) are part of it.
    const folder = relative.includes(path.sep) ? relative.split(path.sep)[0] : '.';
    const allowed = MAY_IMPORT[folder];
    assert.ok(allowed, `${relative}: a folder ARCHITECTURE.md does not place`);
    for (const [, how, specifier] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (specifier === 'vscode' || specifier.startsWith('vscode-languageserver')) wrong.push(`${relative} imports ${specifier}`);
      if (!specifier.startsWith('.')) continue;
      const target = path.relative(ENGINE, path.resolve(path.dirname(file), specifier));
      if (target.startsWith('..')) {
        if (!target.startsWith(`..${path.sep}configs`)) wrong.push(`${relative} imports ${target} (outside the engine)`);
        continue;
      }
      const targetFolder = target.includes(path.sep) ? target.split(path.sep)[0] : '.';
      if (targetFolder === folder || allowed.includes(targetFolder)) continue;
      const exception = `${folder} -> ${target.replace(/\.js$/, '').split(path.sep).join('/')}`;
      if (/^(import|export) type/.test(how) && TYPE_ONLY_EXCEPTIONS.has(exception)) continue;
      wrong.push(`${relative} imports ${target}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the server never imports the client, and the client takes only protocol.ts from the server', () => {
  const wrong: string[] = [];
  for (const [side, dir] of [
    ['server', path.resolve(ENGINE, '../server')],
    ['client', path.resolve(ENGINE, '../client')],
  ] as const) {
    for (const file of sources(dir)) {
      for (const [, , specifier] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
        if (!specifier.startsWith('.')) continue;
        const target = path
          .relative(path.resolve(ENGINE, '..'), path.resolve(path.dirname(file), specifier))
          .split(path.sep)
          .join('/');
        if (side === 'server' && target.startsWith('client/')) wrong.push(`${path.relative(dir, file)} imports ${target}`);
        if (side === 'client' && target.startsWith('server/') && target !== 'server/protocol') wrong.push(`${path.relative(dir, file)} imports ${target}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
