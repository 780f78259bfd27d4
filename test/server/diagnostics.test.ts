import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { toDiagnostics } from '../../server/service';
import { CONFIG_URI, config, parse, project, textAt } from './helpers';

describe('diagnostics', () => {
  it('converts every problem with its code, severity, source, exact range and data', () => {
    const text = config('{ "name": "Task1" }', '{ "name": "Task2", "dependencies": ["Tak1"] }', '{ "name": "Task5" }');
    const diagnostics = toDiagnostics(parse(text));
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.source, textAt(text, d.range)]),
      [
        ['unknown-dependency', DiagnosticSeverity.Error, 'fastasyncio', '"Tak1"'],
        ['missing-task', DiagnosticSeverity.Error, 'fastasyncio', '"Task5"'],
      ],
    );
    assert.equal((diagnostics[0].data as { suggestion?: string }).suggestion, 'Task1');
    assert.equal((diagnostics[1].data as { expectedFile?: string }).expectedFile, '/project/src/job/task/task5.ts');
  });

  it('points relatedInformation at the other edges of a cycle, in the same document', () => {
    const text = config(
      '{ "name": "Task1", "dependencies": ["Task3"] }',
      '{ "name": "Task2", "dependencies": ["Task1"] }',
      '{ "name": "Task3", "dependencies": ["Task2"] }',
    );
    const cycles = toDiagnostics(parse(text)).filter((d) => d.code === 'cycle');
    assert.equal(cycles.length, 3);
    const first = cycles[0];
    assert.equal(typeof first.message, 'string');
    assert.match(first.message as string, /Task1 → Task3 → Task2 → Task1/);
    assert.deepEqual(
      first.relatedInformation?.map((r) => [r.location.uri, textAt(text, r.location.range), r.message]),
      [
        [CONFIG_URI, '"Task2"', '"Task3" depends on "Task2"'],
        [CONFIG_URI, '"Task1"', '"Task2" depends on "Task1"'],
      ],
    );
  });

  it('points a duplicate at the first definition', () => {
    const text = config('{ "name": "Task1" }', '{ "name": "Task1" }');
    const [duplicate] = toDiagnostics(parse(text)).filter((d) => d.code === 'duplicate-task');
    const related = duplicate.relatedInformation?.[0];
    assert.ok(related);
    assert.equal(related.location.range.start.line, 6);
    assert.ok(duplicate.range.start.line > related.location.range.start.line);
  });

  it('leaves relatedInformation out for clients that do not show it', () => {
    const text = config('{ "name": "Task1" }', '{ "name": "Task1" }');
    const diagnostics = toDiagnostics(parse(text), { relatedInformation: false });
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].relatedInformation, undefined);
  });

  it('reports a clean config as clean and a broken one as syntax errors only', () => {
    assert.deepEqual(toDiagnostics(parse(config('{ "name": "Task1" }'))), []);
    const broken = toDiagnostics(parse('{ "jobs": [ { "name": "job1", '));
    assert.ok(broken.length > 0);
    assert.ok(broken.every((d) => d.code === 'syntax'));
  });

  it('sees the project through the files view: the module decides missing-task', () => {
    const text = config('{ "name": "Task5" }');
    assert.deepEqual(
      toDiagnostics(parse(text)).map((d) => d.code),
      ['missing-task'],
    );
    assert.deepEqual(toDiagnostics(parse(text, project(['Task5']))), []);
  });
});
