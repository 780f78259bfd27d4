import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDocument } from '../../server/service';
import { applyEdits, parse } from './helpers';

const options = { tabSize: 2, insertSpaces: true };
const format = (text: string) => applyEdits(text, formatDocument(parse(text), options));

describe('formatting', () => {
  it('expands a config written on one line', () => {
    const formatted = format('{"jobs":[{"name":"a","handler":"GenericJobHandler","tasks":[{"name":"Task1"}]}]}');
    assert.equal(
      formatted,
      '{\n  "jobs": [\n    {\n      "name": "a",\n      "handler": "GenericJobHandler",\n      "tasks": [\n        {\n          "name": "Task1"\n        }\n      ]\n    }\n  ]\n}',
    );
  });

  it("keeps a laid-out config's line breaks (one-line tasks stay so) and fixes indentation and spacing", () => {
    const text = '{\n "jobs": [\n      {"name":"a",\n  "tasks": [\n {"name":"Task1"},\n{ "name": "Task2","dependencies":["Task1"] }\n]}\n]\n}';
    assert.equal(
      format(text),
      '{\n  "jobs": [\n    { "name": "a",\n      "tasks": [\n        { "name": "Task1" },\n        { "name": "Task2", "dependencies": [ "Task1" ] }\n      ] }\n  ]\n}',
    );
  });

  it('formats a range only', () => {
    const text = '{\n"jobs":    [],\n"root":    "x"\n}';
    const edits = formatDocument(parse(text), options, { start: { line: 2, character: 0 }, end: { line: 2, character: 14 } });
    assert.equal(applyEdits(text, edits), '{\n"jobs":    [],\n"root": "x"\n}');
  });

  it('leaves 100,000 nested brackets alone instead of indenting them', () => {
    assert.deepEqual(formatDocument(parse('['.repeat(100_000) + ']'.repeat(100_000)), options), []);
  });
});
