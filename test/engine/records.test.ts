import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { RunEvent, RunFinishedEvent, TaskFinishedEvent } from '../../engine/run/events';
import { currentOwner, ownerAlive } from '../../engine/run/owner';
import { foldRecord, readHead, readTail } from '../../engine/run/record-reader';
import { inspectRun, listRecordedRuns, recordedSummary, replayRun } from '../../engine/run/recorded-runs';
import { readRun } from '../../engine/run/records';
import { RunState } from '../../engine/run/summary';
import { type TempProject, tempProject } from '../helpers/project';
import { age, deadOwner, recordLines, SyntheticRun } from '../http/synthetic';

const projects: TempProject[] = [];
after(() => projects.forEach((p) => p.remove()));
const project = () => {
  const p = tempProject({ jobs: [] });
  projects.push(p);
  return p;
};

let ids = 0;
/** Run ids that sort in the order they are made. */
const runId = () => `20250101T0000${String(ids++).padStart(5, '0')}Z-abcdef`;

const replayed = async (root: string, id: string, after = 0) => {
  const run = await inspectRun(root, id);
  const events: RunEvent[] = [];
  if (run) await replayRun(run, after, (_seq, json) => void events.push(JSON.parse(json) as RunEvent));
  return events;
};

describe('reading run records', () => {
  test('a record is folded streamed, as a list of its events folds; bad lines are skipped', async () => {
    const p = project();
    const run = new SyntheticRun(p.root, runId(), ['A', 'B']).started('A').log('A', 'hello').started('B');
    for (let i = 0; i < 5000; i++) run.log('B', `line ${i} ${'x'.repeat(i % 300)}`);
    run.finished('A').finished('B', 'failed').runFinished('failed').log('B', 'a last line after the end');
    const good = run.events();
    run.lines.splice(3, 0, '{"type":"task-log","task":"A","mess', 'not json at all', '42', 'null', '{"type":"run-started","seq":2}');
    const file = run.write('{"type":"task-log","task":"B","message":"cut sh');
    const expected = RunState.of(good);
    const { state, partial } = await foldRecord(file);
    assert.equal(partial, true, 'the last line was cut short');
    assert.deepEqual(state.summary(), expected.summary());
    assert.equal(state.lastSeq, expected.lastSeq);
    assert.equal((await readHead(file))?.runId, run.runId);
    const tail = await readTail(file);
    assert.equal(tail.complete, false);
    assert.equal(tail.last?.type, 'task-log', 'the last line that is an event');
    assert.equal(tail.finished?.status, 'failed', 'run-finished is found under the lines after it');
    // The replay: every event up to run-finished, as recorded, nothing else.
    const events = await replayed(p.root, run.runId);
    assert.deepEqual(events, good.slice(0, -1));
    assert.deepEqual(await replayed(p.root, run.runId, 5000), good.slice(5000, -1));
  });

  test('a record over 512 MB (which the old reader dropped) is listed, summarised and replayed', async () => {
    const p = project();
    const run = new SyntheticRun(p.root, runId(), ['A']).started('A').log('A', 'after the gap').finished('A', 'succeeded', 42).runFinished('succeeded', 5000);
    // A sparse gap of 600 MB: one long line of zero bytes, skipped, between real events.
    const file = run.writeWithGap(600 * 1024 * 1024, 2);
    assert.ok(fs.statSync(file).size > 512 * 1024 * 1024);
    assert.equal(readRun(p.root, run.runId), undefined, 'the whole-file reader cannot read it');

    const [listed] = await listRecordedRuns(p.root);
    assert.deepEqual([listed.runId, listed.job, listed.status, listed.durationMs], [run.runId, 'job1', 'succeeded', 5000]);
    const summary = await recordedSummary(listed);
    assert.deepEqual({ ...summary.results }, { A: 42 });
    assert.equal(summary.tasks.A.status, 'succeeded');
    const events = await replayed(p.root, run.runId);
    assert.deepEqual(
      events.map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
    assert.equal(events.at(-1)?.type, 'run-finished');
  });

  test('a record that cannot be read is listed all the same, never dropped', async () => {
    const p = project();
    const good = new SyntheticRun(p.root, runId(), ['A']).started('A').finished('A').runFinished();
    good.write();
    const garbage = runId();
    fs.writeFileSync(path.join(p.root, `.fastasyncio/runs/${garbage}.jsonl`), 'garbage\n\u0000\u0001 not events\n');
    age(path.join(p.root, `.fastasyncio/runs/${garbage}.jsonl`), 20 * 60_000);
    const empty = runId();
    fs.writeFileSync(path.join(p.root, `.fastasyncio/runs/${empty}.jsonl`), '');
    // A directory where a record should be: stat works, reading does not.
    const broken = runId();
    fs.mkdirSync(path.join(p.root, `.fastasyncio/runs/${broken}.jsonl`));
    age(path.join(p.root, `.fastasyncio/runs/${broken}.jsonl`), 20 * 60_000);

    const runs = await listRecordedRuns(p.root);
    const byId = new Map(runs.map((r) => [r.runId, r]));
    assert.deepEqual(
      runs.map((r) => r.runId),
      [broken, empty, garbage, good.runId],
    );
    assert.equal(byId.get(good.runId)?.status, 'succeeded');
    assert.equal(byId.get(empty)?.status, 'running', 'just created: its run may be starting');
    assert.equal(byId.get(garbage)?.status, 'interrupted');
    assert.match(byId.get(garbage)?.error ?? '', /names no process/);
    assert.equal(byId.get(broken)?.status, 'interrupted');
    assert.match(byId.get(broken)?.error ?? '', /cannot be read \(EISDIR\)/);
    const summary = await recordedSummary(byId.get(broken)!);
    assert.deepEqual([summary.runId, summary.status, { ...summary.tasks }], [broken, 'interrupted', {}]);
    assert.deepEqual(
      (await replayed(p.root, broken)).map((e) => e.type),
      ['run-finished'],
    );
  });
});

describe('interrupted runs', () => {
  test('a record whose owner is gone is completed once: running tasks failed, pending skipped, run-finished last', async () => {
    const p = project();
    const owner = await deadOwner();
    const run = new SyntheticRun(p.root, runId(), ['A', 'B', 'C'], owner).started('A').finished('A').started('B').log('B', 'working');
    const file = run.write();
    const before = fs.readFileSync(file, 'utf8');

    const found = await inspectRun(p.root, run.runId);
    assert.equal(found?.status, 'interrupted');
    assert.match(found?.error ?? '', new RegExp(`pid ${owner.pid} on ${os.hostname()}\\) ended without finishing`));
    assert.equal(found?.completion, undefined, 'written, not only shown');
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.startsWith(before), 'appended to, nothing rewritten');
    const lines = recordLines(file);
    const added = lines.slice(run.lines.length) as RunEvent[];
    assert.deepEqual(
      added.map((e) => [e.type, (e as TaskFinishedEvent).task, e.seq]),
      [
        ['task-finished', 'B', 6],
        ['task-finished', 'C', 7],
        ['run-finished', undefined, 8],
      ],
    );
    const [b, c, end] = added as [TaskFinishedEvent, TaskFinishedEvent, RunFinishedEvent];
    assert.equal(b.status, 'failed');
    assert.equal(b.error?.message, `interrupted: the run's process (pid ${owner.pid} on ${os.hostname()}) ended while this task was running`);
    assert.equal(c.status, 'skipped');
    assert.equal(end.status, 'interrupted');
    assert.deepEqual(Object.fromEntries(Object.entries(end.summary.tasks).map(([k, v]) => [k, v.status])), { A: 'succeeded', B: 'failed', C: 'skipped' });
    assert.ok(!fs.existsSync(`${file}.lock`), 'the lock is gone');

    // Read again: nothing more is written.
    assert.equal((await inspectRun(p.root, run.runId))?.status, 'interrupted');
    assert.equal(fs.readFileSync(file, 'utf8'), text);
    const summary = await recordedSummary((await inspectRun(p.root, run.runId))!);
    assert.deepEqual([summary.status, summary.tasks.B.status, summary.tasks.C.status, { ...summary.results }], ['interrupted', 'failed', 'skipped', { A: 1 }]);
  });

  test('readers in several processes at once: exactly one completes the record', async () => {
    const p = project();
    const run = new SyntheticRun(p.root, runId(), ['A', 'B'], await deadOwner()).started('A').started('B');
    const file = run.write();
    // All at the same moment, once every process has loaded the code.
    const at = Date.now() + 2500;
    const reader = `const { inspectRun } = require(${JSON.stringify(path.resolve(__dirname, '../../engine/run/recorded-runs.ts'))});
      setTimeout(() => inspectRun(${JSON.stringify(p.root)}, ${JSON.stringify(run.runId)}).then((r) => console.log(r.status)), ${at} - Date.now());`;
    const readers = Array.from({ length: 6 }, () => spawn(process.execPath, ['--import', 'tsx', '-e', reader], { cwd: path.resolve(__dirname, '../..') }));
    const outputs = await Promise.all(
      readers.map(
        (child) =>
          new Promise<string>((resolve) => {
            let out = '';
            child.stdout.on('data', (d: Buffer) => (out += d.toString()));
            child.stderr.on('data', (d: Buffer) => (out += d.toString()));
            child.on('close', () => resolve(out.trim()));
          }),
      ),
    );
    assert.deepEqual(outputs, Array(6).fill('interrupted'));
    const lines = recordLines(file);
    assert.equal(lines.filter((e) => e?.type === 'run-finished').length, 1);
    assert.equal(lines.at(-1)?.type, 'run-finished');
    assert.equal(lines.length, run.lines.length + 3);
  });

  test('while another reader holds the lock it is shown interrupted, not written; a lock left by a dead reader is taken over', async () => {
    const p = project();
    const run = new SyntheticRun(p.root, runId(), ['A'], await deadOwner()).started('A');
    const file = run.write();
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ ...currentOwner(), time: Date.now() }));
    const shown = await inspectRun(p.root, run.runId);
    assert.equal(shown?.status, 'interrupted');
    assert.deepEqual(
      shown?.completion?.map((e) => e.type),
      ['task-finished', 'run-finished'],
    );
    assert.equal(recordLines(file).length, run.lines.length, 'not written');
    assert.deepEqual(
      (await replayed(p.root, run.runId)).map((e) => e.type),
      ['run-started', 'task-started', 'task-finished', 'run-finished'],
    );

    fs.writeFileSync(`${file}.lock`, JSON.stringify({ ...(await deadOwner()), time: Date.now() }));
    const written = await inspectRun(p.root, run.runId);
    assert.equal(written?.completion, undefined);
    assert.equal(recordLines(file).at(-1)?.type, 'run-finished');
    assert.ok(!fs.existsSync(`${file}.lock`));
  });

  test('a line cut short by the crash is ended before the completion, which starts a line of its own', async () => {
    const p = project();
    const run = new SyntheticRun(p.root, runId(), ['A'], await deadOwner()).started('A');
    const file = run.write('{"type":"task-log","task":"A","message":"half a li');
    await inspectRun(p.root, run.runId);
    const lines = recordLines(file);
    assert.equal(lines[2], undefined, 'the cut line stays, unparseable, on its own');
    assert.deepEqual(
      lines.slice(3).map((e) => e?.type),
      ['task-finished', 'run-finished'],
    );
    assert.deepEqual(
      (await replayed(p.root, run.runId)).map((e) => e.seq),
      [1, 2, 3, 4],
    );
  });

  test("a run whose owner is alive is running, however long since its last event; this process' runs are never interrupted", async () => {
    const p = project();
    const mine = new SyntheticRun(p.root, runId(), ['A'], currentOwner()).started('A');
    age(mine.write(), 60 * 60_000);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const start = ownerStart(sleeper.pid!);
      const other = new SyntheticRun(p.root, runId(), ['A'], { pid: sleeper.pid!, host: os.hostname(), ...(start === undefined ? {} : { start }) }).started(
        'A',
      );
      age(other.write(), 60 * 60_000);
      for (const run of [mine, other]) {
        const found = await inspectRun(p.root, run.runId);
        assert.equal(found?.status, 'running');
        assert.equal(found?.durationMs, 1000, 'up to its last event');
        assert.equal(recordLines(run.file).length, run.lines.length);
      }
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((resolve) => sleeper.on('exit', resolve));
    }
    assert.equal((await inspectRun(p.root, mine.runId))?.status, 'running');
  });

  test('without an owner (older records) or on another host: running while written to, shown interrupted (not written) after 10 minutes', async () => {
    const p = project();
    const fresh = new SyntheticRun(p.root, runId(), ['A']).started('A');
    fresh.write();
    const old = new SyntheticRun(p.root, runId(), ['A', 'B']).started('A');
    age(old.write(), 11 * 60_000);
    const elsewhere = new SyntheticRun(p.root, runId(), ['A'], { pid: 1, host: 'some-other-host' }).started('A');
    age(elsewhere.write(), 11 * 60_000);
    const elsewhereFresh = new SyntheticRun(p.root, runId(), ['A'], { pid: 1, host: 'some-other-host' }).started('A');
    elsewhereFresh.write();

    assert.equal((await inspectRun(p.root, fresh.runId))?.status, 'running');
    assert.equal((await inspectRun(p.root, elsewhereFresh.runId))?.status, 'running');
    for (const [run, why] of [
      [old, /no event for over 10 minutes and it names no process that owns it/],
      [elsewhere, /pid 1 on some-other-host\) cannot be checked from this machine/],
    ] as const) {
      const found = (await inspectRun(p.root, run.runId))!;
      assert.equal(found.status, 'interrupted');
      assert.match(found.error ?? '', why);
      assert.equal(recordLines(run.file).length, run.lines.length, 'not written');
      const summary = await recordedSummary(found);
      assert.equal(summary.status, 'interrupted');
      assert.equal(summary.tasks.A.status, 'failed');
      assert.equal((await replayed(p.root, run.runId)).at(-1)?.type, 'run-finished');
    }
    assert.equal((await recordedSummary((await inspectRun(p.root, old.runId))!)).tasks.B.status, 'skipped');
  });

  test('ownerAlive: a live process, the same pid started at another time, an ended one, another host', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const pid = child.pid!;
    const start = ownerStart(pid);
    assert.equal(ownerAlive({ pid, host: os.hostname(), ...(start === undefined ? {} : { start }) }), true);
    if (start !== undefined) assert.equal(ownerAlive({ pid, host: os.hostname(), start: start + 1 }), false, 'a reused pid is not the owner');
    assert.equal(ownerAlive({ pid, host: 'another-host' }), undefined);
    assert.equal(ownerAlive(undefined), undefined);
    assert.equal(ownerAlive(currentOwner()), true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(ownerAlive({ pid, host: os.hostname() }), false);
  });
});

/** A process' start time as owners record it (Linux), read the way `ps` does. */
function ownerStart(pid: number): number | undefined {
  const stat = spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' }).stdout;
  if (!stat) return undefined;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}
