import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Analysis, analyzeConfig } from '../../engine/analysis/analyze';
import { analyzeEdit, analyzeInsideTask } from '../../engine/analysis/edits';
import { LineIndex } from '../../engine/config/text';
import { memoryFiles } from '../../engine/files';
import { editableConfig as config, random, randomEdit, replace, type Step } from '../helpers/random-edits';

/*
 * An analysis made from the previous one after an edit must be exactly the whole analysis of the new
 * text, whatever the edits: random sequences of edits (names, dependencies, classes, schema mistakes,
 * broken and mended JSON, edits across entries), each checked against `analyzeConfig`.
 */

const ROOT = '/edits';
const FILE = `${ROOT}/configs/job_config.json`;

/** Work0 to Work3 have modules; Work4 has none. */
const files = memoryFiles(Object.fromEntries([0, 1, 2, 3].map((c) => [`${ROOT}/src/job/task/work${c}.ts`, `export class Work${c} {}\n`])));
const options = { file: FILE, files };

function same(actual: Analysis, expected: Analysis, context: string): void {
  assert.deepEqual(actual.problems, expected.problems, context);
  assert.deepEqual(actual.model, expected.model, context);
  assert.deepEqual(actual.value, expected.value, context);
}

describe('analysis after an edit', () => {
  test('random edit sequences give exactly the whole analysis of the final text', () => {
    let inside = 0;
    let edits = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const next = random(seed);
      let text = config();
      let analysis = analyzeConfig(text, options);
      // Edits that broke the JSON, undone later so that sequences also go from broken back to valid.
      const undo: Step[] = [];
      for (let n = 0; n < 150; n++) {
        let step: Step;
        // A text that is not valid JSON, or has a duplicate key, is mended soon, mostly.
        const broken = analysis.problems.some((p) => p.code === 'syntax');
        if (undo.length > 0 && next() < (broken ? 0.8 : 0.3)) {
          step = undo.pop()!;
        } else {
          step = randomEdit(text, next);
          const { start, oldEnd, newEnd } = step.change;
          undo.push({ text, change: { start, oldEnd: newEnd, newEnd: oldEnd }, insert: text.slice(start, oldEnd) });
        }
        const edit = { previous: { text, analysis }, text: step.text, change: step.change };
        const quick = analyzeInsideTask(edit, options);
        const whole = analyzeConfig(step.text, options);
        if (quick) {
          inside++;
          same(quick, whole, `seed ${seed}, edit ${n}: ${JSON.stringify(step.change)}`);
        }
        same(analyzeEdit(edit, options), whole, `seed ${seed}, edit ${n}`);
        edits++;
        text = step.text;
        analysis = quick ?? whole;
      }
    }
    // The test means something only if many edits took the quick path.
    console.log(`${inside} of ${edits} edits were analysed inside one task`);
    assert.ok(inside > edits / 4, `${inside} of ${edits} edits were analysed inside one task`);
  });

  test('a change of a dependency shows and withdraws the unknown dependency, with exact ranges', () => {
    const text = config();
    const analysis = analyzeConfig(text, options);
    const at = text.indexOf('["T38"') + 2;
    const step = replace(text, at, at + 3, 'T99');
    const quick = analyzeInsideTask({ previous: { text, analysis }, text: step.text, change: step.change }, options);
    assert.ok(quick, 'the edit is inside one task');
    const unknown = quick.problems.filter((p) => p.code === 'unknown-dependency');
    assert.equal(unknown.length, 1);
    assert.equal(unknown[0].message, 'Unknown dependency "T99": job "first" has no task with that name; did you mean "T9"?');
    const line = step.text.slice(0, at).split('\n').length - 1;
    assert.deepEqual(unknown[0].range.start.line, line);
    const back = replace(step.text, at, at + 3, 'T38');
    const again = analyzeInsideTask({ previous: { text: step.text, analysis: quick }, text: back.text, change: back.change }, options);
    assert.deepEqual(again?.problems, analysis.problems);
  });

  test("a duplicate name's message follows a change of its task's class, after an edit that kept the name checks", () => {
    // The duplicate-name message names the second entry's class ("task"), which is not a name or a dependency.
    let text = `{ "jobs": [{ "name": "j", "handler": "GenericJobHandler", "tasks": [
      { "name": "a", "task": "Work0", "params": { "n": 1 } },
      { "name": "a", "task": "Work1" }
    ] }] }`;
    let analysis = analyzeConfig(text, options);
    for (const [old, replacement] of [
      ['"n": 1', '"n": 2'],
      ['"Work1"', '"Work2"'],
    ]) {
      const at = text.indexOf(old);
      const step = replace(text, at, at + old.length, replacement);
      const quick = analyzeInsideTask({ previous: { text, analysis }, text: step.text, change: step.change }, options);
      assert.ok(quick, `${old} → ${replacement} is inside one task`);
      same(quick, analyzeConfig(step.text, options), `${old} → ${replacement}`);
      [text, analysis] = [step.text, quick];
    }
    assert.match(analysis.problems.find((p) => p.code === 'duplicate-task')!.message, /"task": "Work2"/);
  });

  test('edits that are not inside one task are left to the whole analysis', () => {
    const text = config();
    const analysis = analyzeConfig(text, options);
    const across = text.indexOf('},\n');
    const cases: Step[] = [
      replace(text, across, across + 2, '}'), // a task's closing brace
      replace(text, 0, 1, ' {'), // before the jobs
      replace(text, text.indexOf('"handler"') + 1, text.indexOf('"handler"') + 8, 'handler2'), // a job's property
    ];
    for (const step of cases) {
      assert.equal(analyzeInsideTask({ previous: { text, analysis }, text: step.text, change: step.change }, options), undefined);
      assert.deepEqual(
        analyzeEdit({ previous: { text, analysis }, text: step.text, change: step.change }, options).problems,
        analyzeConfig(step.text, options).problems,
      );
    }
  });

  test('a line index made from the previous one maps every offset as a fresh one does', () => {
    const next = random(7);
    let text = 'a\nbc\n\nd\r\nef\n';
    let lines = new LineIndex(text);
    lines.position(0);
    for (let n = 0; n < 500; n++) {
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(next() * 4));
      const insert = ['', 'x', '\n', 'y\nz', '\n\n', '\r\n'][Math.floor(next() * 6)];
      const step = replace(text, start, end, insert);
      const derived = LineIndex.afterEdit(lines, step.text, step.change);
      const fresh = new LineIndex(step.text);
      for (let offset = 0; offset <= step.text.length; offset++)
        assert.deepEqual(derived.position(offset), fresh.position(offset), `edit ${n}, offset ${offset}`);
      [text, lines] = [step.text, derived];
    }
  });
});
