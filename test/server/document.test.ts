import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outlineFromTree } from '../../server/service/outline';
import { outlineFromText } from '../../server/service/outline-scan';
import { config, parse, project } from './helpers';

const sample = config(
  '{ "name": "Task1" }',
  '{ "name": "Task2", "dependencies": ["Task1", 3, "Task9"] }',
  '{ "name": "Shard", "task": "Task3" }',
  '"not a task"',
);

describe('parsed document', () => {
  it('analyses once and builds the tree and the outline once, when first asked', () => {
    const doc = parse(sample);
    assert.equal(doc.analysis.model?.jobs[0].tasks.length, 3);
    assert.equal(doc.tree(), doc.tree());
    assert.equal(doc.outline(), doc.outline());
  });

  it('finds the same outline scanning valid text (fast path) as in the tolerant tree', () => {
    const doc = parse(sample);
    const tree = doc.tree();
    assert.ok(tree);
    const fromValue = outlineFromText(sample);
    assert.deepEqual(outlineFromTree(tree), fromValue);
    const [job] = fromValue.jobs;
    assert.deepEqual(
      job.tasks.map((t) => [t.index, t.name?.value, t.task?.value, t.dependencies.map((d) => [d.value, d.slot])]),
      [
        [0, 'Task1', undefined, []],
        [
          1,
          'Task2',
          undefined,
          [
            ['Task1', 0],
            ['Task9', 2],
          ],
        ],
        [2, 'Shard', 'Task3', []],
      ],
    );
    assert.equal(sample.slice(job.name!.span.start, job.name!.span.end), '"job1"');
  });

  it('scans like JSON.parse reads: the last of duplicate keys wins, escapes are decoded, a BOM is space', () => {
    const text =
      '\uFEFF{ "jobs": [ { "name": "x", "tasks": [] } ], "jobs": [ { "name": "j\\u0031", "name": "j2", "tasks": [ { "name": "T\\u0041", "dependencies": [1, "A"] } ] } ] }';
    const [job, ...rest] = outlineFromText(text).jobs;
    assert.equal(rest.length, 0);
    assert.equal(job.name?.value, 'j2');
    assert.equal(job.tasks[0].name?.value, 'TA');
    assert.deepEqual(
      job.tasks[0].dependencies.map((d) => [d.value, d.slot]),
      [['A', 1]],
    );
    assert.equal(text.slice(job.tasks[0].name.span.start, job.tasks[0].name.span.end), '"T\\u0041"');
  });

  it('outlines text that does not parse from the tree, and finds its layout there', () => {
    const text = '{ "taskDir": "../tasks", "jobs": [ { "name": "j", "tasks": [ { "name": "A", "dependencies": ["B"';
    const doc = parse(text, project());
    assert.equal(doc.analysis.value, undefined);
    assert.deepEqual(
      doc.outline().jobs[0].tasks[0].dependencies.map((d) => d.value),
      ['B'],
    );
    assert.equal(doc.layout().taskDir, '/project/tasks');
  });

  it('keeps recursive parsers away from 100,000 nested brackets', () => {
    const started = Date.now();
    const doc = parse('{ "jobs": ' + '['.repeat(100_000) + ']'.repeat(100_000) + ' }');
    assert.equal(doc.treeSafe(), false);
    assert.equal(doc.tree(), undefined);
    assert.deepEqual(doc.outline().jobs, []);
    assert.deepEqual(
      doc.analysis.problems.map((p) => p.code),
      ['syntax'],
    );
    assert.ok(Date.now() - started < 2000);
  });
});
