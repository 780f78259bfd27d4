import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SymbolKind } from 'vscode-languageserver-types';
import { getCodeLenses, getDocumentSymbols } from '../../server/service';
import { CONFIG_URI, parse, textAt } from './helpers';

const twoJobs = `{
  "jobs": [
    {
      "name": "job1",
      "handler": "job1_handler.Job1Handler",
      "tasks": [{ "name": "Task1" }, { "name": "Shard", "task": "Task3" }]
    },
    { "name": "other", "handler": "GenericJobHandler", "tasks": [] },
    { "handler": "GenericJobHandler", "tasks": [] }
  ]
}`;

describe('code lens', () => {
  it('puts "Run job" and beside it "Debug" and "Graph" above each named job, with the command and { uri, job } for the client', () => {
    const lenses = getCodeLenses(parse(twoJobs));
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [2, '▶ Run job job1', 'fastasyncio.runJob', [{ uri: CONFIG_URI, job: 'job1' }]],
        [2, 'Debug', 'fastasyncio.debugJob', [{ uri: CONFIG_URI, job: 'job1' }]],
        [2, 'Graph', 'fastasyncio.showJobGraph', [{ uri: CONFIG_URI, job: 'job1' }]],
        [7, '▶ Run job other', 'fastasyncio.runJob', [{ uri: CONFIG_URI, job: 'other' }]],
        [7, 'Debug', 'fastasyncio.debugJob', [{ uri: CONFIG_URI, job: 'other' }]],
        [7, 'Graph', 'fastasyncio.showJobGraph', [{ uri: CONFIG_URI, job: 'other' }]],
      ],
    );
    assert.equal(lenses[1].command?.tooltip, 'Run job1 under the debugger');
    assert.equal(lenses[2].command?.tooltip, 'Show the task graph of job1 (and its runs)');
    assert.deepEqual(lenses[1].range, lenses[0].range, 'the same place: VS Code shows them in one line, "Run job" first');
    assert.deepEqual(lenses[2].range, lenses[0].range);
  });

  it('still finds the jobs while the text does not parse', () => {
    assert.deepEqual(
      getCodeLenses(parse(twoJobs.slice(0, -10))).map((l) => [l.command?.command, l.command?.arguments?.[0].job]),
      [
        ['fastasyncio.runJob', 'job1'],
        ['fastasyncio.debugJob', 'job1'],
        ['fastasyncio.showJobGraph', 'job1'],
        ['fastasyncio.runJob', 'other'],
        ['fastasyncio.debugJob', 'other'],
        ['fastasyncio.showJobGraph', 'other'],
      ],
    );
  });
});

describe('document symbols', () => {
  it('lists the jobs, then their tasks, with ranges that hold their selection', () => {
    const doc = parse(twoJobs);
    const symbols = getDocumentSymbols(doc);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind, s.detail, s.children?.map((c) => [c.name, c.kind, c.detail])]),
      [
        [
          'job1',
          SymbolKind.Module,
          'job1_handler.Job1Handler',
          [
            ['Task1', SymbolKind.Function, undefined],
            ['Shard', SymbolKind.Function, 'task Task3'],
          ],
        ],
        ['other', SymbolKind.Module, 'GenericJobHandler', []],
      ],
    );
    const [job1] = symbols;
    assert.equal(textAt(doc.text, job1.selectionRange), '"job1"');
    assert.match(textAt(doc.text, job1.range), /^\{\n\s+"name": "job1"[\s\S]*\}$/);
    assert.equal(textAt(doc.text, job1.children![1].range), '{ "name": "Shard", "task": "Task3" }');
  });

  it('has nothing to show for garbage or 100,000 nested brackets', () => {
    assert.deepEqual(getDocumentSymbols(parse('garbage ]]] {{')), []);
    assert.deepEqual(getDocumentSymbols(parse('['.repeat(100_000) + ']'.repeat(100_000))), []);
  });
});
