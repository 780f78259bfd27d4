import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Range } from 'vscode-languageserver-protocol';
import { editableConfig, random, randomEdit } from '../helpers/random-edits';
import { LspClient } from './lsp-client';
import { type TempProject, tempProject } from './project';

/*
 * The server analyses an edited config from its previous analysis (engine/analysis/edits.ts), with
 * where the text changed taken from the incremental `didChange`s. After random edits, one to three per
 * notification, its diagnostics must be those of the same text opened fresh.
 */

const ROUNDS = 150;

const shape = (d: Diagnostic) => ({ range: d.range, severity: d.severity, code: d.code, message: d.message, data: d.data as unknown });

describe('diagnostics after incremental edits', () => {
  let project: TempProject;
  let client: LspClient;
  before(async () => {
    project = tempProject('{ "jobs": [] }\n', ['Work0', 'Work1', 'Work2', 'Work3']);
    client = await LspClient.start({ root: project.root, initializationOptions: { debounceMs: 0 } });
    await client.diagnostics(project.configUri);
  });
  after(async () => {
    await client.stop();
    project.remove();
  });

  it('are those of a fresh analysis of the final text, after each notification', async () => {
    const uri = pathToFileURL(path.join(project.root, 'configs', 'edited.job.json')).href;
    let doc = TextDocument.create(uri, 'json', 1, editableConfig());
    await client.open(uri, doc.getText());
    await client.diagnostics(uri);
    const next = random(3);
    // The inverse of each change made, so that a text that is not JSON is mended soon, mostly.
    const undo: { range: Range; text: string }[] = [];
    let broken = false;
    let incremental = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Mostly one change in a notification, else two or three, each in the text the previous ones left.
      const changes = [];
      for (let n = next() < 0.7 ? 1 : 2 + Math.floor(next() * 2); n > 0; n--) {
        if (undo.length > 0 && next() < (broken ? 0.8 : 0.3)) {
          const change = undo.pop()!;
          doc = TextDocument.update(doc, [change], doc.version);
          changes.push(change);
          continue;
        }
        const step = randomEdit(doc.getText(), next);
        const change = { range: { start: doc.positionAt(step.change.start), end: doc.positionAt(step.change.oldEnd) }, text: step.insert };
        const removed = doc.getText().slice(step.change.start, step.change.oldEnd);
        doc = TextDocument.update(doc, [change], doc.version);
        undo.push({ text: removed, range: { start: change.range.start, end: doc.positionAt(step.change.newEnd) } });
        changes.push(change);
      }
      const since = client.mark();
      const version = await client.change(uri, changes);
      const edited = await client.diagnostics(uri, (p) => p.version === version, since);
      broken = edited.diagnostics.some((d) => d.code === 'syntax');
      if (!broken) incremental++;
      const fresh = pathToFileURL(path.join(project.root, 'configs', `fresh-${round}.job.json`)).href;
      const before = client.mark();
      await client.open(fresh, doc.getText());
      const whole = await client.diagnostics(fresh, () => true, before);
      assert.deepEqual(edited.diagnostics.map(shape), whole.diagnostics.map(shape), `round ${round}`);
    }
    // Only a valid text is analysed from the previous one: most rounds must have one.
    assert.ok(incremental > ROUNDS / 2, `${incremental} of ${ROUNDS} rounds ended in valid JSON`);
    assert.equal(client.errors.length, 0);
  });

  it('a change whose range is given end first is taken as the server applies it', async () => {
    const uri = pathToFileURL(path.join(project.root, 'configs', 'reversed.job.json')).href;
    const doc = TextDocument.create(uri, 'json', 1, editableConfig());
    await client.open(uri, doc.getText());
    await client.diagnostics(uri);
    // "T5" in T6's dependencies becomes "T77", the range written end first.
    const at = doc.getText().indexOf('"T5"', doc.getText().indexOf('"name": "T6"')) + 1;
    const change = { range: { start: doc.positionAt(at + 2), end: doc.positionAt(at) }, text: 'T77' };
    TextDocument.update(doc, [{ range: { start: doc.positionAt(at), end: doc.positionAt(at + 2) }, text: 'T77' }], 2);
    const since = client.mark();
    const version = await client.change(uri, [change]);
    const edited = await client.diagnostics(uri, (p) => p.version === version, since);
    const fresh = pathToFileURL(path.join(project.root, 'configs', 'reversed-fresh.job.json')).href;
    const before = client.mark();
    await client.open(fresh, doc.getText());
    const whole = await client.diagnostics(fresh, () => true, before);
    assert.ok(edited.diagnostics.some((d) => d.code === 'unknown-dependency'));
    assert.deepEqual(edited.diagnostics.map(shape), whole.diagnostics.map(shape));
  });

  it('a dependency made unknown inside one task, and back, in a 2,000-task config', async () => {
    const tasks = Array.from({ length: 2000 }, (_, i) => ({ name: `T${i}`, task: `Work${i % 4}`, dependencies: i > 0 ? [`T${i - 1}`] : [] }));
    const text = JSON.stringify({ jobs: [{ name: 'big', handler: 'GenericJobHandler', tasks }] }, null, 2);
    const uri = pathToFileURL(path.join(project.root, 'configs', 'big.job.json')).href;
    const doc = TextDocument.create(uri, 'json', 1, text);
    await client.open(uri, text);
    assert.deepEqual((await client.diagnostics(uri)).diagnostics, []);
    // T1501's dependency, not T1500's own name.
    const at = text.indexOf('"T1500"', text.indexOf('"name": "T1501"')) + 1;
    const range = { start: doc.positionAt(at), end: doc.positionAt(at + 5) };
    let since = client.mark();
    let version = await client.change(uri, [{ range, text: 'T9999' }]);
    const unknown = await client.diagnostics(uri, (p) => p.version === version, since);
    assert.deepEqual(
      unknown.diagnostics.map((d) => [d.code, d.message, d.range]),
      [
        [
          'unknown-dependency',
          'Unknown dependency "T9999": job "big" has no task with that name; did you mean "T999"?',
          // The whole string, quotes included.
          { start: doc.positionAt(at - 1), end: doc.positionAt(at + 6) },
        ],
      ],
    );
    since = client.mark();
    version = await client.change(uri, [{ range, text: 'T1500' }]);
    assert.deepEqual((await client.diagnostics(uri, (p) => p.version === version, since)).diagnostics, []);
  });

  it('the jobs of a 10,000-task config follow its edits (worked out once typing pauses)', async () => {
    const jobsClient = await LspClient.start({ root: project.root, initializationOptions: { debounceMs: 0, jobs: true } });
    try {
      const tasks = Array.from({ length: 10_000 }, (_, i) => ({ name: `T${i}`, task: `Work${i % 4}`, dependencies: i > 0 ? [`T${i - 1}`] : [] }));
      const text = JSON.stringify({ jobs: [{ name: 'big', handler: 'GenericJobHandler', tasks }] }, null, 2);
      const uri = pathToFileURL(path.join(project.root, 'configs', 'jobs.job.json')).href;
      const doc = TextDocument.create(uri, 'json', 1, text);
      const jobsOf = (version: number) => () => jobsClient.jobsChanged.flatMap((n) => n.changed).find((c) => c.uri === uri && c.version === version);
      await jobsClient.open(uri, text);
      await jobsClient.waitFor('the jobs on open', jobsOf(1));
      // T5000 no longer waits for T4999, then T6000 no longer waits for T5999: both come right after T0.
      let version = 1;
      for (const task of [5000, 6000]) {
        const at = doc.getText().indexOf(`"T${task - 1}"`, doc.getText().indexOf(`"name": "T${task}"`));
        const range = { start: doc.positionAt(at), end: doc.positionAt(at + `"T${task - 1}"`.length) };
        version = await jobsClient.change(uri, [{ range, text: '"T0"' }]);
        TextDocument.update(doc, [{ range, text: '"T0"' }], version);
      }
      const last = await jobsClient.waitFor('the jobs of the last version', jobsOf(version));
      const stageOf = (name: string) => last.jobs[0].stages.findIndex((s) => s.tasks.includes(name));
      assert.equal(stageOf('T5000'), 1);
      assert.equal(stageOf('T6000'), 1);
      assert.equal(stageOf('T9999'), 9999 - 6000 + 1);
    } finally {
      await jobsClient.stop();
    }
  });
});
