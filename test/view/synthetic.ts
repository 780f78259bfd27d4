import type { FinalTaskStatus, RunEvent } from '../../engine/run/events';
import { VIEW_MODEL_VERSION, type ViewModel, type ViewTask } from '../../engine/view/model';

/**
 * Job graphs of any size with the shape of real ones, for the layout benchmark and the browser tests:
 * layers about √n wide, each task after 2 or 3 tasks of the one or two layers before it (deterministic).
 */
export function layeredTasks(n: number, seed = 1): ViewTask[] {
  const random = prng(seed);
  const width = Math.max(1, Math.round(Math.sqrt(n)));
  const tasks: ViewTask[] = [];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width);
    const deps = new Set<number>();
    if (layer > 0) {
      const count = 2 + (random() < 0.5 ? 1 : 0);
      for (let k = 0; k < count; k++) {
        const from = layer - 1 - Math.floor(random() * Math.min(layer, 2));
        deps.add(Math.min(i - 1, from * width + Math.floor(random() * width)));
      }
    }
    const dependencies = [...deps];
    tasks.push({
      id: `task_${i}`,
      className: 'Step',
      dependencies: dependencies.map((d) => `task_${d}`),
      stage: 1 + dependencies.reduce((m, d) => Math.max(m, tasks[d].stage), 0),
    });
  }
  return tasks;
}

export function syntheticModel(n: number, seed = 1): ViewModel {
  return { version: VIEW_MODEL_VERSION, job: `synthetic_${n}`, tasks: layeredTasks(n, seed) };
}

/**
 * A finished run over the tasks, as its events: stage by stage, about 1 task in 50 retried once, 1 in 200
 * failing (its dependents skipped), 1 in 300 timing out.
 */
export function syntheticRun(tasks: readonly ViewTask[], runId = '20260101T000000000Z-abcdef', seed = 2): RunEvent[] {
  const random = prng(seed);
  const start = Date.UTC(2026, 0, 1);
  let seq = 0;
  const events: RunEvent[] = [];
  const base = () => ({ runId, seq: ++seq });
  const stages = tasks.reduce((m, t) => Math.max(m, t.stage), 0);
  events.push({
    ...base(),
    time: start,
    type: 'run-started',
    job: 'synthetic',
    configFile: '/synthetic/configs/job_config.json',
    root: '/synthetic',
    concurrency: null,
    tasks: tasks.map((t) => ({ id: t.id, className: t.className, dependencies: t.dependencies, stage: t.stage })),
    stages: Array.from({ length: stages }, (_, k) => ({ index: k + 1, tasks: tasks.filter((t) => t.stage === k + 1).map((t) => t.id), after: [] })),
  });
  const status = new Map<string, FinalTaskStatus>();
  const ended = new Map<string, number>();
  let end = start;
  for (const task of [...tasks].sort((a, b) => a.stage - b.stage)) {
    const ready = task.dependencies.reduce((m, d) => Math.max(m, ended.get(d) ?? start), start + 5);
    if (task.dependencies.some((d) => status.get(d) !== 'succeeded')) {
      status.set(task.id, 'skipped');
      ended.set(task.id, ready);
      events.push({
        ...base(),
        time: ready,
        type: 'task-finished',
        task: task.id,
        status: 'skipped',
        attempts: 0,
        durationMs: 0,
        error: { message: 'skipped: a dependency did not succeed' },
      });
      continue;
    }
    const roll = random();
    const outcome: FinalTaskStatus = roll < 0.005 ? 'failed' : roll < 0.008 ? 'timedOut' : 'succeeded';
    const retried = random() < 0.02;
    let time = ready + Math.floor(random() * 20);
    const first = time;
    events.push({ ...base(), time, type: 'task-started', task: task.id, attempt: 1 });
    events.push({ ...base(), time: time + 1, type: 'task-log', task: task.id, message: `${task.id} working` });
    if (retried) {
      time += 30 + Math.floor(random() * 50);
      events.push({
        ...base(),
        time,
        type: 'task-retrying',
        task: task.id,
        attempt: 1,
        delayMs: 20,
        error: { message: 'flaky', stack: 'Error: flaky\n    at Step.execute (step.js:3:11)' },
      });
      time += 20;
      events.push({ ...base(), time, type: 'task-started', task: task.id, attempt: 2 });
    }
    time += 40 + Math.floor(random() * 160);
    const finished: RunEvent = { ...base(), time, type: 'task-finished', task: task.id, status: outcome, attempts: retried ? 2 : 1, durationMs: time - first };
    if (outcome === 'succeeded') finished.result = { task: task.id, value: Math.floor(random() * 1000) };
    else
      finished.error =
        outcome === 'timedOut' ? { message: 'timed out after 0.2s' } : { message: 'boom', stack: 'Error: boom\n    at Step.execute (step.js:5:9)' };
    events.push(finished);
    status.set(task.id, outcome);
    ended.set(task.id, time);
    end = Math.max(end, time);
  }
  const failed = [...status.values()].some((s) => s !== 'succeeded');
  events.sort((a, b) => a.time - b.time || a.seq - b.seq);
  events.forEach((e, k) => (e.seq = k + 1));
  const summary = { job: 'synthetic', runId, status: failed ? ('failed' as const) : ('succeeded' as const), durationMs: end - start, tasks: {} };
  events.push({ runId, seq: events.length + 1, time: end + 1, type: 'run-finished', status: summary.status, durationMs: end - start, summary });
  return events;
}

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}
