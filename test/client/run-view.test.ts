import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { emptyModel, grantedMessage, jobKey, jobModelFromText, LiveRuns, Outbox, overlay, Picture, type Schedule } from '../../client/run-view-state';
import type { RunEvent } from '../../engine/run/events';
import { applyEvents } from '../../engine/view/fold';
import { taskStatus, type ViewModel } from '../../engine/view/model';
import type { HostMessage } from '../../engine/view/protocol';

const CONFIG = path.resolve(__dirname, '../../examples/configs/job_config.json');
const TEXT = fs.readFileSync(CONFIG, 'utf8');
const JOB1 = { job: 'job1', configFile: CONFIG };

function job1(): ViewModel {
  const model = jobModelFromText(TEXT, CONFIG, 'job1');
  assert.ok(model);
  return model;
}

/** A run of job1's events, as the engine sends them: `Task1` … `Task4` (a plan of `tasks` when given). */
function run(runId: string, tasks = job1().tasks.map((t) => ({ id: t.id, className: t.className, dependencies: t.dependencies, stage: t.stage }))) {
  let seq = 0;
  const at = (type: string, fields: object) => ({ runId, seq: ++seq, time: 1_000 + seq, type, ...fields }) as RunEvent;
  return {
    started: at('run-started', { job: 'job1', configFile: CONFIG, root: path.dirname(path.dirname(CONFIG)), concurrency: null, tasks, stages: [] }),
    taskStarted: (task: string) => at('task-started', { task, attempt: 1 }),
    succeeded: (task: string, result: unknown) => at('task-finished', { task, status: 'succeeded', attempts: 1, durationMs: 1, result }),
    log: (task: string, message: string) => at('task-log', { task, message }),
  };
}

describe('the Run view: the job graph', () => {
  it("draws a config's job: its tasks, their dependencies, modules and places in the config", () => {
    const model = job1();
    assert.equal(model.job, 'job1');
    assert.equal(model.configFile, CONFIG);
    assert.deepEqual(
      model.tasks.map((t) => [t.id, t.dependencies, t.stage]),
      [
        ['Task1', [], 1],
        ['Task2', ['Task1'], 2],
        ['Task3', [], 1],
        ['Task4', ['Task2', 'Task3'], 3],
      ],
    );
    assert.equal(model.tasks[0].module, path.resolve(path.dirname(CONFIG), '../src/job/task/task1.ts'));
    const line = TEXT.split('\n').findIndex((l) => l.includes('"name": "Task1"'));
    assert.deepEqual(model.tasks[0].configPosition, { line, character: TEXT.split('\n')[line].indexOf('{') });
    assert.equal(model.run, undefined, 'no run: every task pending');
  });

  it('has no graph for a job the config does not define, or a text that is not JSON; a job with errors is still drawn', () => {
    assert.equal(jobModelFromText(TEXT, CONFIG, 'nope'), undefined);
    assert.equal(jobModelFromText('{ "jobs": [', CONFIG, 'job1'), undefined);
    const broken = JSON.stringify({ jobs: [{ name: 'b', handler: 'GenericJobHandler', tasks: [{ name: 'A', dependencies: ['Nope', 'B'] }, { name: 'B' }] }] });
    assert.deepEqual(
      jobModelFromText(broken, CONFIG, 'b')?.tasks.map((t) => [t.id, t.dependencies]),
      [
        ['A', ['B']],
        ['B', []],
      ],
    );
  });

  it('one panel per job of a config', () => {
    assert.notEqual(jobKey('/a/job_config.json', 'job1'), jobKey('/b/job_config.json', 'job1'));
    assert.notEqual(jobKey('/a', 'b\0c'), jobKey('/a\0b', 'c'));
  });
});

describe('the Run view: which run a panel shows', () => {
  it('follows a live run of its job from its start: each event folded, as the app folds it', () => {
    const picture = new Picture(job1());
    const r = run('r1');
    const events = [r.started, r.taskStarted('Task1'), r.log('Task1', 'hello'), r.succeeded('Task1', { value: 1 })];
    assert.deepEqual(
      events.map((e) => picture.live(e)),
      [true, true, true, true],
    );
    assert.equal(picture.runId, 'r1');
    assert.equal(taskStatus(picture.model, 'Task1'), 'succeeded');
    assert.deepEqual(picture.model.run?.tasks.Task1.result, { value: 1 });
    // The app, given the same snapshot and events, has the same picture.
    assert.deepEqual(applyEvents(job1(), events), picture.model);
  });

  it("leaves other runs' events alone; a new run of the job takes the panel over", () => {
    const picture = new Picture(job1());
    const [r1, r2] = [run('r1'), run('r2')];
    picture.live(r1.started);
    const generation = picture.generation;
    assert.equal(picture.live(run('r0').taskStarted('Task1')), false, 'a run not shown');
    assert.equal(picture.live(r1.started), false, 'the shown run started already');
    assert.equal(picture.live(r2.started), true);
    assert.ok(picture.generation > generation, 'a record being read for the panel is dropped');
    assert.equal(picture.live(r1.taskStarted('Task1')), false, 'r1 is no longer shown');
    assert.equal(picture.live(r2.taskStarted('Task3')), true);
    assert.equal(taskStatus(picture.model, 'Task1'), 'pending');
    assert.equal(taskStatus(picture.model, 'Task3'), 'running');
  });

  it('a record read for the panel is shown only if nothing took the panel over meanwhile', () => {
    const picture = new Picture(job1());
    const first = picture.claim();
    const second = picture.claim();
    assert.notEqual(picture.generation, first, 'a later "Show Run" wins');
    assert.equal(picture.generation, second);
    picture.live(run('r1').started);
    assert.notEqual(picture.generation, second, 'so does a run that starts');
    const third = picture.claim();
    picture.show(undefined, undefined);
    assert.notEqual(picture.generation, third, 'and a run shown');
  });

  it('a panel opened during a run starts from all the run did so far (the live runs are folded as they go)', () => {
    const live = new LiveRuns();
    const r = run('r1');
    const events = [r.started, r.taskStarted('Task1'), r.succeeded('Task1', 1), r.taskStarted('Task2')];
    for (const e of events) live.apply(JOB1, e);
    live.apply({ job: 'fan-out', configFile: CONFIG }, { ...run('r2').started, job: 'fan-out' } as RunEvent);
    assert.equal(live.latestOf(CONFIG, 'job1')?.runId, 'r1');
    assert.equal(live.latestOf(CONFIG, 'other'), undefined);
    const picture = new Picture(job1());
    picture.showLive(live.latestOf(CONFIG, 'job1')!);
    const expected = applyEvents(job1(), events);
    assert.deepEqual(picture.model, expected);
    assert.ok(picture.model.tasks[0].module, 'what the config says of each task stays');
    // The panel's model is its own: the live run's goes on without it.
    live.apply(JOB1, r.succeeded('Task2', 2));
    assert.equal(taskStatus(picture.model, 'Task2'), 'running');
    live.end('r1');
    assert.equal(live.get('r1'), undefined);
    assert.equal(live.size, 1);
  });

  it('a run draws the graph it planned, with what the config says of the tasks still there', () => {
    const planned = [
      { id: 'Task1', className: 'Task1', dependencies: [], stage: 1 },
      { id: 'Gone', className: 'Gone', dependencies: ['Task1'], stage: 2 },
    ];
    const r = run('r1', planned);
    const folded = applyEvents(emptyModel('job1'), [r.started, r.taskStarted('Gone')]);
    const model = overlay(job1(), r.started as Extract<RunEvent, { type: 'run-started' }>, folded.run);
    assert.deepEqual(
      model.tasks.map((t) => [t.id, t.module !== undefined]),
      [
        ['Task1', true],
        ['Gone', false],
      ],
    );
    assert.equal(taskStatus(model, 'Gone'), 'running');
    assert.equal(overlay(job1(), undefined, undefined).run, undefined);
  });

  it("a changed config redraws the job's graph under the same run, and says when nothing changed", () => {
    const picture = new Picture(job1());
    const r = run('r1');
    picture.live(r.started);
    picture.live(r.succeeded('Task1', 1));
    assert.equal(picture.rebase(job1()), false);
    const edited = jobModelFromText(TEXT.replace('"params": { "seconds": 1 } }', '"params": { "seconds": 1 }, "timeout": 5 }'), CONFIG, 'job1')!;
    assert.equal(picture.rebase(edited), true);
    assert.equal(picture.model.tasks[0].timeoutMs, 5000);
    assert.equal(taskStatus(picture.model, 'Task1'), 'succeeded');
  });
});

describe('the Run view: what goes to the app', () => {
  function outbox() {
    const posted: HostMessage[] = [];
    const pending: (() => void)[] = [];
    const schedule: Schedule = (fn) => {
      pending.push(fn);
      return () => pending.splice(pending.indexOf(fn), 1);
    };
    const box = new Outbox((m) => posted.push(m), schedule);
    const tick = () => pending.splice(0).forEach((fn) => fn());
    return { box, posted, pending, tick };
  }
  const r = run('r1');

  it('nothing before the app is ready; then the whole picture, then the live events batched per tick', () => {
    const { box, posted, tick } = outbox();
    const model = job1();
    const [one, two, three] = [r.taskStarted('Task1'), r.taskStarted('Task3'), r.succeeded('Task1', 1)];
    box.event(r.started);
    box.replace(model);
    assert.deepEqual(posted, [], 'no app yet: its snapshot will hold it all');
    box.start(model);
    assert.deepEqual(posted, [{ type: 'model', model }]);
    box.event(one);
    box.event(two);
    tick();
    box.event(three);
    tick();
    tick();
    assert.deepEqual(posted.slice(1), [
      { type: 'events', events: [one, two] },
      { type: 'event', event: three },
    ]);
  });

  it('a snapshot holds the events queued before it: they are dropped, never posted twice', () => {
    const { box, posted, pending, tick } = outbox();
    box.start(job1());
    box.event(r.taskStarted('Task1'));
    box.replace(job1());
    assert.equal(pending.length, 0, 'the tick is cancelled');
    tick();
    assert.deepEqual(
      posted.map((m) => m.type),
      ['model', 'model'],
    );
  });

  it('a hidden panel has no app: nothing is posted until it says ready again', () => {
    const { box, posted, tick } = outbox();
    box.start(job1());
    box.event(r.taskStarted('Task1'));
    box.lost();
    tick();
    box.event(r.taskStarted('Task3'));
    box.replace(job1());
    assert.equal(box.ready, false);
    assert.deepEqual(
      posted.map((m) => m.type),
      ['model'],
    );
    box.start(job1());
    assert.equal(box.ready, true);
    assert.deepEqual(
      posted.map((m) => m.type),
      ['model', 'model'],
    );
  });
});

describe("the Run view: the app's requests", () => {
  const model = job1();
  const module = model.tasks[0].module!;

  it('grants ready, and opening the modules and the config the picture names', () => {
    assert.deepEqual(grantedMessage({ type: 'ready' }, model), { type: 'ready' });
    assert.deepEqual(grantedMessage({ type: 'open-module', path: module }, model), { type: 'open-module', path: module });
    assert.deepEqual(grantedMessage({ type: 'open-config', file: CONFIG, position: { line: 3, character: 4, extra: 1 } }, model), {
      type: 'open-config',
      file: CONFIG,
      position: { line: 3, character: 4 },
    });
    assert.deepEqual(grantedMessage({ type: 'open-config', file: CONFIG, position: { line: -1, character: 0 } }, model), { type: 'open-config', file: CONFIG });
  });

  it('refuses anything else', () => {
    for (const value of [
      null,
      'ready',
      { type: 'model', model },
      { type: 'open-module', path: '/etc/passwd' },
      { type: 'open-module' },
      { type: 'open-config', file: '/etc/passwd' },
      { type: 'open-config', file: CONFIG.toUpperCase() },
    ]) {
      assert.equal(grantedMessage(value, model), undefined, JSON.stringify(value));
    }
    assert.equal(grantedMessage({ type: 'open-config', file: CONFIG }, emptyModel('job1')), undefined, 'a picture without a config');
  });

  /** job1 with run `r1` over it: Task1 succeeded, then the run ended `status`. */
  function ended(status: 'succeeded' | 'failed' | 'cancelled' | undefined): ViewModel {
    const r = run('r1');
    const events = [r.started, r.taskStarted('Task1'), r.succeeded('Task1', 1)];
    if (status) events.push({ ...r.log('Task1', ''), type: 'run-finished', status, durationMs: 5, summary: {} } as unknown as RunEvent);
    return applyEvents(job1(), events);
  }

  it('grants "Re-run Failed" on the run shown once it ended failed or cancelled', () => {
    assert.deepEqual(grantedMessage({ type: 'rerun-failed', runId: 'r1' }, ended('failed')), { type: 'rerun-failed', runId: 'r1' });
    assert.deepEqual(grantedMessage({ type: 'rerun-failed', runId: 'r1' }, ended('cancelled')), { type: 'rerun-failed', runId: 'r1' });
    assert.equal(grantedMessage({ type: 'rerun-failed', runId: 'r1' }, ended('succeeded')), undefined, 'nothing failed');
    assert.equal(grantedMessage({ type: 'rerun-failed', runId: 'r1' }, ended(undefined)), undefined, 'still running');
    assert.equal(grantedMessage({ type: 'rerun-failed', runId: 'r0' }, ended('failed')), undefined, 'another run than the one shown');
    assert.equal(grantedMessage({ type: 'rerun-failed' }, model), undefined, 'no run');
  });

  it('grants "Run Task" on a task of the picture, with the run shown once it has ended', () => {
    assert.deepEqual(grantedMessage({ type: 'run-task', task: 'Task4' }, model), { type: 'run-task', task: 'Task4' });
    assert.deepEqual(grantedMessage({ type: 'run-task', task: 'Task4', runId: 'r1' }, ended('failed')), { type: 'run-task', task: 'Task4', runId: 'r1' });
    assert.equal(grantedMessage({ type: 'run-task', task: 'Task9' }, model), undefined, 'not a task of the job');
    assert.equal(grantedMessage({ type: 'run-task', task: 'Task4', runId: 'r1' }, ended(undefined)), undefined, 'a run still going has no results to take');
    assert.equal(grantedMessage({ type: 'run-task', task: 'Task4', runId: 'r0' }, ended('failed')), undefined, 'another run than the one shown');
    assert.equal(grantedMessage({ type: 'run-task', task: 'Task4', runId: 7 }, ended('failed')), undefined);
  });

  it('marks a reused task with the run its result comes from', () => {
    const r = run('r2');
    const reused = { ...r.succeeded('Task1', { value: 1 }), attempts: 0, durationMs: 0, reused: 'r1' } as RunEvent;
    const picture = applyEvents(job1(), [r.started, reused]);
    assert.equal(picture.run?.tasks.Task1.reused, 'r1');
    assert.equal(picture.run?.tasks.Task1.status, 'succeeded');
    assert.deepEqual(picture.run?.tasks.Task1.result, { value: 1 }, 'its result is passed on');
    assert.equal(picture.run?.tasks.Task2.reused, undefined);
  });
});
