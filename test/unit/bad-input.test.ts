/**
 * Bad input gets a diagnostic and nothing else: never a throw, a stack trace or a hang.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { analyzeConfig, type Analysis } from '../../engine/analysis/analyze';
import { decodeUtf8 } from '../../engine/config/text';
import type { Problem } from '../../engine/config/types';
import { analyzeMarked, assertProblems, CONFIG, defaultProject, job, marked } from '../helpers/fixture';

const files = defaultProject(['Task1', 'Task2']);
const analyze = (text: string, invalidUtf8At?: number) => analyzeConfig(text, { file: CONFIG, files, invalidUtf8At });

/** Every range lies inside the text and starts before it ends. */
function assertRangesInside(text: string, problems: readonly Problem[]) {
  const lines = text.split('\n');
  for (const p of problems) {
    for (const r of [p.range, ...(p.related ?? []).map((x) => x.range)]) {
      const { start, end } = r;
      assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), `ordered: ${JSON.stringify(r)}`);
      for (const pos of [start, end]) {
        assert.ok(pos.line >= 0 && pos.line < lines.length, `line inside: ${JSON.stringify(r)}`);
        assert.ok(pos.character >= 0 && pos.character <= lines[pos.line].length, `character inside: ${JSON.stringify(r)}`);
      }
    }
  }
}

function onlySyntaxErrors(analysis: Analysis) {
  assert.ok(analysis.problems.length > 0, 'at least one problem');
  for (const p of analysis.problems) {
    assert.equal(p.code, 'syntax');
    assert.equal(p.severity, 'error');
  }
  assert.equal(analysis.model, undefined);
}

const SAMPLE = job(
  '        { "name": "Task1", "params": { "n": [1, 2.5e3, true, null, "x\\"y"] } },\n        { "name": "Task2", "dependencies": ["Task1"], "timeout": 30 }',
);

describe('bad input', () => {
  test('an empty file: one error, at the start', () => {
    const { analysis, ranges } = analyzeMarked('⟦⟧');
    assertProblems(analysis.problems, ranges, ['syntax']);
    assert.match(analysis.problems[0].message, /The file is empty/);
  });

  test('a file of whitespace only is empty too', () => {
    const analysis = analyze(' \n\t\r\n  ');
    onlySyntaxErrors(analysis);
    assert.equal(analysis.problems.length, 1);
    assert.match(analysis.problems[0].message, /empty/);
  });

  test('non-JSON text: an error on each bad word, nothing else', () => {
    const { analysis, ranges } = analyzeMarked('⟦hello⟧ ⟦world⟧');
    assertProblems(analysis.problems, ranges, ['syntax', 'syntax']);
    assert.equal(analysis.value, undefined);
  });

  test('YAML, binary junk, NUL characters: syntax errors only', () => {
    for (const text of ['jobs:\n  - name: job1\n', '\u0000\u0001\u0002\u00ff', '{"jobs": [\u0000]}', '\uFFFD\uFFFD', '{"jobs": ["\u0007"]}', '}{', ']']) {
      const analysis = analyze(text);
      onlySyntaxErrors(analysis);
      assertRangesInside(text, analysis.problems);
    }
  });

  test('a truncated file: an error at the end', () => {
    const { analysis, ranges } = analyzeMarked('{"jobs": [{"name": "a", "handler": "GenericJobHandler", "tasks": [⟦⟧');
    assertProblems(analysis.problems, ranges, ['syntax']);
    assert.equal(analysis.problems[0].message, "Unexpected end of file: expected ']'");
  });

  test('every truncation of a config: syntax errors inside the text, never a throw', () => {
    for (let cut = 0; cut < SAMPLE.length; cut++) {
      const text = SAMPLE.slice(0, cut);
      const analysis = analyze(text);
      if (text.trim() === SAMPLE.trim()) continue;
      onlySyntaxErrors(analysis);
      assertRangesInside(text, analysis.problems);
    }
  });

  test('a top-level array, number, string, boolean or null: one schema error, on the value’s start', () => {
    for (const [text, end] of [
      ['[{"jobs": []}]', 1],
      ['42', 2],
      ['"jobs"', 6],
      ['true', 4],
      ['null', 4],
    ] as const) {
      const analysis = analyze(text);
      assert.deepEqual(
        analysis.problems.map((p) => [p.code, p.message, p.range.start.character, p.range.end.character]),
        [['schema', 'A job config must be an object', 0, end]],
        text,
      );
      assert.equal(analysis.model, undefined);
    }
  });

  for (const [name, make] of [
    ['100,000 nested arrays', (n: number) => '['.repeat(n) + ']'.repeat(n)],
    ['100,000 nested objects', (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)],
    ['100,000 unclosed brackets', (n: number) => '['.repeat(n)],
    ['100,000 nested arrays inside "jobs"', (n: number) => '{"jobs": ' + '['.repeat(n) + ']'.repeat(n) + '}'],
    ['100,000 mixed brackets with strings', (n: number) => '[{"x": "]}", "y":'.repeat(n / 2) + '1' + '}]'.repeat(n / 2)],
  ] as const) {
    test(`${name}: one error at the first bracket too deep, within 2 s`, () => {
      const text = make(100_000);
      const started = performance.now();
      const analysis = analyze(text);
      const elapsed = performance.now() - started;
      assert.equal(analysis.problems.length, 1);
      const [p] = analysis.problems;
      assert.equal(p.code, 'syntax');
      assert.equal(p.message, 'Nesting deeper than 256 levels');
      assert.equal(p.range.end.character - p.range.start.character, 1);
      assert.match(text.charAt(p.range.start.character), /[[{]/);
      assert.ok(elapsed < 2000, `answered in ${elapsed.toFixed(0)} ms`);
    });
  }

  test('nesting just within the limit is fine', () => {
    const text = job(`        { "name": "Task1", "params": { "deep": ${'['.repeat(240)}${']'.repeat(240)} } }`);
    assert.deepEqual(analyze(text).problems, []);
  });

  test('a 20 MB config is analysed', () => {
    const description = 'x'.repeat(20 * 1024 * 1024);
    const text = `{"jobs": [{"name": "big", "handler": "GenericJobHandler", "description": "${description}", "tasks": [{"name": "Task1"}, {"name": "Task2", "dependencies": ["Nope"]}]}]}`;
    assert.ok(text.length > 20_000_000);
    const analysis = analyze(text);
    assert.deepEqual(
      analysis.problems.map((p) => [p.code, text.slice(analysis.lines.offset(p.range.start), analysis.lines.offset(p.range.end))]),
      [['unknown-dependency', '"Nope"']],
    );
  });

  test('a 20 MB file that is not JSON: syntax errors only', () => {
    const text = '{"jobs": [' + '{"name": "a"},'.repeat(1_500_000);
    assert.ok(text.length > 20_000_000);
    const analysis = analyze(text);
    onlySyntaxErrors(analysis);
    assert.ok(analysis.problems.length <= 50);
  });

  test('200,000 problems in one config: all reported, no stack overflow', () => {
    // The findings used to be gathered with push(...list), which overflows the stack on a list this long.
    const text = JSON.stringify({
      jobs: [{ name: 'j', handler: 'GenericJobHandler', tasks: [{ name: 'Task1', dependencies: new Array(200_000).fill('x') }] }],
    });
    const analysis = analyze(text);
    assert.equal(analysis.problems.length, 200_000);
    assert.ok(analysis.problems.every((p) => p.code === 'unknown-dependency'));
  });

  test('a byte-order mark is valid: no problems, and positions after it are kept', () => {
    assert.deepEqual(analyze('\uFEFF' + SAMPLE).problems, []);
    const { analysis, ranges } = analyzeMarked('\uFEFF{"jobs": [], ⟦"x"⟧: 1}');
    assertProblems(analysis.problems, ranges, ['schema']);
  });

  test('a byte-order mark read from bytes is dropped, as editors do', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE)]);
    const decoded = decodeUtf8(bytes);
    assert.deepEqual(decoded, { text: SAMPLE });
    assert.deepEqual(analyze(decoded.text).problems, []);
  });

  test('duplicate keys: a warning, and the analysis goes on with the last value', () => {
    const { analysis, ranges } = analyzeMarked(
      '{"jobs": [{"name": "a", "handler": "GenericJobHandler", "tasks": []}], ⟦"jobs"⟧: [{"name": ⟦"b"⟧, "handler": "GenericJobHandler", "tasks": [{"name": ⟦"Task9"⟧}]}]}',
    );
    assertProblems(
      analysis.problems,
      ranges.filter((_, i) => i !== 1),
      ['syntax', 'missing-task'],
    );
    assert.equal(analysis.problems[0].severity, 'warning');
    assert.equal(analysis.model?.jobs[0].name, 'b');
  });

  describe('invalid UTF-8', () => {
    const utf8 = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

    test('valid UTF-8, astral characters included, decodes cleanly', () => {
      assert.deepEqual(decodeUtf8(utf8('{"a": "ü😀"}')), { text: '{"a": "ü😀"}' });
    });

    test('the offset of the first bad byte, for each kind of bad sequence', () => {
      const cases: [string, number[]][] = [
        ['a lone continuation byte', [0x80]],
        ['an invalid lead byte', [0xff]],
        ['an overlong encoding', [0xc0, 0xaf]],
        ['an encoded surrogate', [0xed, 0xa0, 0x80]],
        ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
        ['a sequence cut short', [0xe2, 0x82]],
      ];
      for (const [what, bad] of cases) {
        const decoded = decodeUtf8(utf8('{"jobs": [], "ü😀": "', bad, '"}'));
        // "{"jobs": [], "ü😀": "" is 21 UTF-16 code units: the emoji is two.
        assert.equal(decoded.invalidUtf8At, 21, what);
      }
      assert.equal(decodeUtf8(utf8('{"a": 1}', [0xe2, 0x82])).invalidUtf8At, 8, 'cut short at the very end');
    });

    test('a U+FFFD written in the file before the bad byte does not mislead the offset', () => {
      const decoded = decodeUtf8(utf8('{"a": "\uFFFD", "b": "', [0xc3], '"}'));
      assert.equal(decoded.text, '{"a": "\uFFFD", "b": "\uFFFD"}');
      assert.equal(decoded.invalidUtf8At, 17);
    });

    test('the analysis reports it as a syntax error on that character, and goes on', () => {
      const source = marked(job('        { "name": "Task1", "params": { "s": "ok ⟦\uFFFD⟧" } }'));
      const bytes = Buffer.from(source.text).toString('latin1').replace('\u00ef\u00bf\u00bd', '\u00ff');
      const decoded = decodeUtf8(Buffer.from(bytes, 'latin1'));
      assert.equal(decoded.invalidUtf8At, source.offsets[0][0]);
      const analysis = analyze(decoded.text, decoded.invalidUtf8At);
      assertProblems(analysis.problems, source.ranges, ['syntax']);
      assert.equal(analysis.problems[0].message, 'The file is not valid UTF-8');
      assert.equal(analysis.model?.jobs[0].tasks.length, 1);
    });
  });

  test('random damage to a config never throws and always gives ranges inside the text', () => {
    // A fixed pseudo-random sequence, so that a failure can be replayed.
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const pieces = ['{', '}', '[', ']', '"', ',', ':', '\\', ' ', '\n', 'x', '1', '-', 'e', '\uD800', '😀', '"Task1"', '"dependencies"', '"name"', 'null'];
    for (let round = 0; round < 1500; round++) {
      let text = SAMPLE;
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * text.length);
        const kind = random();
        const piece = pieces[Math.floor(random() * pieces.length)];
        if (kind < 0.33) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 10));
        else if (kind < 0.66) text = text.slice(0, at) + piece + text.slice(at);
        else text = text.slice(0, at) + piece + text.slice(at + 1);
      }
      let analysis: Analysis;
      try {
        analysis = analyze(text);
      } catch (error) {
        assert.fail(`threw on ${JSON.stringify(text)}: ${String(error)}`);
      }
      assertRangesInside(text, analysis.problems);
    }
  });
});
