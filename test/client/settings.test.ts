import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { SETTINGS_CONTRIBUTION } from '../../client/settings-schema';
import { DEFAULT_SETTINGS } from '../../server/protocol';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> }; commands: { command: string }[] };
  activationEvents: string[];
};

test("package.json's settings are exactly the typed definition", () => {
  assert.deepEqual(manifest.contributes.configuration.properties, JSON.parse(JSON.stringify(SETTINGS_CONTRIBUTION)));
});

test('the declared defaults are the defaults the server uses', () => {
  const props = manifest.contributes.configuration.properties as Record<string, { default?: unknown }>;
  assert.deepEqual(props['fastasyncio.configGlobs'].default, DEFAULT_SETTINGS.configGlobs);
  assert.equal(props['fastasyncio.keepRuns'].default, DEFAULT_SETTINGS.keepRuns);
  assert.equal(props['fastasyncio.trace.server'].default, DEFAULT_SETTINGS.trace.server);
});

test('every command the extension registers is declared, and every declared one registered', async () => {
  // The command table is read as text: importing it would need `vscode`.
  const source = fs.readFileSync(path.resolve(__dirname, '../../client/commands.ts'), 'utf8');
  const registered = [...source.matchAll(/^ {2}'(fastasyncio\.[A-Za-z]+)'|^ {2}\[Commands\.(\w+)\]/gm)].map((m) => m[1] ?? `fastasyncio.${m[2]}`);
  const declared = manifest.contributes.commands.map((c) => c.command);
  assert.deepEqual([...registered].sort(), [...declared].sort());
});

test('fastasyncio.pythonPath is machine-overridable: a path of one machine, which a workspace or folder may still set', () => {
  const props = manifest.contributes.configuration.properties as Record<string, { scope?: string; type?: string }>;
  assert.deepEqual(props['fastasyncio.pythonPath'], { ...props['fastasyncio.pythonPath'], type: 'string', scope: 'machine-overridable' });
});

test('fastasyncio.redisUrl is machine-overridable: a Redis as this machine reaches it, maybe with a password Settings Sync must not carry', () => {
  const props = manifest.contributes.configuration.properties as Record<string, { scope?: string; type?: string; default?: unknown }>;
  assert.deepEqual(props['fastasyncio.redisUrl'], { ...props['fastasyncio.redisUrl'], type: 'string', scope: 'machine-overridable' });
  assert.equal(props['fastasyncio.redisUrl'].default, undefined, 'empty by default: FASTASYNCIO_REDIS_URL, else runs are local');
});
