import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildGraph } from '../analysis/graph';
import { closestName } from '../analysis/similar';
import type { ConfigModel, JobModel, TaskModel } from '../config/types';
import type { PlannedTask, RerunRecord, RunStartedEvent } from './events';
import { contentHash, portablePath } from './queue/protocol';
import { foldRecord, readHead } from './record-reader';
import { isRunId, recordFile, runIds } from './records';
import type { RunState } from './summary';

/**
 * Re-running part of a job from earlier runs' records: `--from <runId>` reuses what succeeded there,
 * `--only <task>` runs just those tasks with their dependencies' recorded results, `--param` overrides
 * params for one run. Everything is worked out before the run starts: a re-run that cannot be done as
 * asked is refused (`RerunError`) before anything runs or is recorded.
 */

/** What the user asked for (CLI flags, the HTTP body, the extension's commands). */
export interface RerunRequest {
  /** The run whose succeeded tasks are reused. */
  from?: string;
  /** Run just these tasks; their dependencies' results come from `from` or the latest run where they succeeded. */
  only?: string[];
  /** Param overrides by task: `{ Task1: { limit: 5 } }`. */
  params?: Record<string, Record<string, unknown>>;
  /** Reuse results even when a task's definition or module changed since. */
  force?: boolean;
}

/**
 * Why a re-run is refused: `request` (an unknown run or task, a run of another job), `missing` (no run
 * has the results an `--only` task needs) or `changed` (a reused task's definition or module changed
 * since; `--force` reuses it anyway). The CLI exits 2; the HTTP API answers 409 or 422.
 */
export type RerunProblem = 'request' | 'missing' | 'changed';

export class RerunError extends Error {
  override name = 'RerunError';
  constructor(
    message: string,
    readonly reason: RerunProblem,
  ) {
    super(message);
  }
}

/**
 * A re-run worked out against the records (by the process that records the run; its worker gets it as
 * it is): what the record keeps of the request, the tasks that do not run with the run their result
 * comes from, and what the run log should say about it.
 */
export interface ResolvedRerun {
  record: RerunRecord;
  reused: Record<string, { from: string; result: unknown }>;
  notes: string[];
}

/** A re-run as it will run: the model holding its version of the job, that job, and what it reuses. */
export interface RerunPlan {
  model: ConfigModel;
  job: JobModel;
  rerun: ResolvedRerun;
}

/** Whether a request asks for anything (an empty one is a plain run). */
export function wantsRerun(request: RerunRequest): boolean {
  return request.from !== undefined || (request.only?.length ?? 0) > 0 || Object.keys(request.params ?? {}).length > 0;
}

/** A run's record folded, as far as re-runs need it. */
interface SourceRun {
  runId: string;
  state: RunState;
  /** Its plan (`run-started`), and the plan's tasks by id. */
  plan: RunStartedEvent;
  planned: Map<string, PlannedTask>;
}

/**
 * Works a re-run out: the job as it runs (params overridden; with `only`, just those tasks and the
 * tasks whose results they take) and what is reused from which run. Throws `RerunError` when it cannot
 * be done as asked.
 */
export async function resolveRerun(model: ConfigModel, job: JobModel, request: RerunRequest): Promise<RerunPlan> {
  const root = model.layout.root;
  const ids = new Set(job.tasks.map((t) => t.id));
  const only = request.only?.length ? [...new Set(request.only)] : undefined;
  for (const id of [...(only ?? []), ...Object.keys(request.params ?? {})]) checkTask(job, ids, id);
  const source = request.from === undefined ? undefined : await sourceRun(root, job.name, request.from);
  const record: RerunRecord = {};
  if (request.from !== undefined) record.from = request.from;
  if (only) record.only = only;
  if (request.params && Object.keys(request.params).length > 0) record.params = request.params;
  if (request.force) record.force = true;

  const overridden = new Set(Object.keys(request.params ?? {}));
  const tasks = job.tasks.map((t) => (overridden.has(t.id) ? { ...t, params: { ...t.params, ...request.params![t.id] } } : t));
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const notes: string[] = [];
  const reused: ResolvedRerun['reused'] = {};
  let runs: TaskModel[];
  const changes: string[] = [];
  const modules = fingerprints(root);
  const check = (task: TaskModel, from: SourceRun) => {
    const change = changedSince(task, from, modules);
    if (!change) return;
    if (request.force) notes.push(`--force: ${task.id}'s result from run ${from.runId} is reused although ${change}`);
    else changes.push(change);
  };

  if (only) {
    const selected = new Set(only);
    for (const id of overridden) {
      if (!selected.has(id)) throw new RerunError(`--param ${id}: ${id} does not run (only ${only.join(', ')} do)`, 'request');
    }
    const inputs = tasks.filter((t) => !selected.has(t.id) && tasks.some((s) => selected.has(s.id) && s.dependencies.includes(t.id)));
    const found = source ? new Map(inputs.map((t) => [t.id, source])) : await latestSuccesses(root, job.name, inputs);
    const missing = inputs.filter((t) => !usable(found.get(t.id), t.id));
    if (missing.length > 0) {
      const names = missing.map((t) => t.id).join(', ');
      const where = source ? `run ${source.runId} has no result` : `no earlier run of ${job.name} has a result`;
      throw new RerunError(
        `${where} for ${names}, which ${only.join(', ')} ${only.length === 1 ? 'needs' : 'need'}: run ${missing.length === 1 ? 'it' : 'them'} first${source ? ', or leave out --from' : ''}`,
        'missing',
      );
    }
    for (const t of inputs) {
      const from = found.get(t.id)!;
      check(t, from);
      reused[t.id] = { from: from.runId, result: from.state.results[t.id] };
    }
    // The job as it runs: its inputs (their own dependencies dropped, they do not run) and the selected tasks.
    const kept = new Set([...selected, ...inputs.map((t) => t.id)]);
    runs = tasks
      .filter((t) => kept.has(t.id))
      .map((t) => (selected.has(t.id) ? t : { ...t, dependencies: t.dependencies.filter((d) => kept.has(d) && !selected.has(d)) }));
  } else {
    runs = tasks;
    if (source) {
      // In dependency order: a task is reused when it succeeded there and none of its dependencies runs again.
      for (const task of dependencyOrder({ ...job, tasks })) {
        const ended = source.state.tasks[task.id];
        if (ended?.status !== 'succeeded') continue;
        if (overridden.has(task.id)) continue;
        if (truncated(source.state.results[task.id])) {
          notes.push(`${task.id} runs again: its result was too large to keep in the record of run ${source.runId}`);
          continue;
        }
        const again = task.dependencies.find((d) => byId.has(d) && !(d in reused));
        if (again) {
          notes.push(`${task.id} runs again: its dependency ${again} does`);
          continue;
        }
        check(task, source);
        reused[task.id] = { from: source.runId, result: source.state.results[task.id] };
      }
    }
  }
  if (changes.length > 0) {
    throw new RerunError(`cannot reuse earlier results: ${changes.join('; ')}. Run those tasks again, or reuse their results anyway with --force`, 'changed');
  }
  if (source && Object.keys(reused).length === 0 && !only) notes.push(`nothing in run ${source.runId} can be reused: every task runs`);
  const planned: JobModel = { ...job, tasks: runs };
  return { model: { ...model, jobs: model.jobs.map((j) => (j === job ? planned : j)) }, job: planned, rerun: { record, reused, notes } };
}

function checkTask(job: JobModel, ids: Set<string>, id: string): void {
  if (ids.has(id)) return;
  const close = closestName(id, ids);
  throw new RerunError(`no task "${id}" in job ${job.name}${close ? ` (did you mean "${close}"?)` : ''}`, 'request');
}

/** The run `runId` of `job`, folded; refused when there is none or it is another job's. */
async function sourceRun(root: string, job: string, runId: string): Promise<SourceRun> {
  if (!isRunId(runId)) throw new RerunError(`"${runId}" is not a run id (such as 20261203T091500123Z-4f2a9c; see fastasyncio runs)`, 'request');
  const file = recordFile(root, runId);
  if (!fs.existsSync(file)) throw new RerunError(`no run ${runId} in ${path.dirname(file)}`, 'request');
  const run = await fold(file, runId);
  if (!run || run.state.job !== job) throw new RerunError(`run ${runId} is a run of ${run?.state.job || 'no job'}, not of ${job}`, 'request');
  return run;
}

async function fold(file: string, runId: string): Promise<SourceRun | undefined> {
  const { state } = await foldRecord(file);
  if (!state.started) return undefined;
  return { runId, state, plan: state.started, planned: new Map(state.started.tasks.map((t) => [t.id, t])) };
}

/**
 * The sha1 a run's plan recorded for a task's module: in the plan's table, or in the task in records of
 * older versions. A table that is not one (a record edited by hand) knows none: reuse is then refused as
 * not comparable.
 */
function recordedSha1(plan: RunStartedEvent, task: PlannedTask): string | undefined {
  if (task.moduleSha1 !== undefined || task.module === undefined) return task.moduleSha1;
  const { modules } = plan;
  const sha1 = typeof modules === 'object' && modules !== null && Object.hasOwn(modules, task.module) ? modules[task.module] : undefined;
  return typeof sha1 === 'string' ? sha1 : undefined;
}

/** For each task, the newest run of `job` in which it succeeded with a result the record kept whole. */
async function latestSuccesses(root: string, job: string, tasks: TaskModel[]): Promise<Map<string, SourceRun>> {
  const found = new Map<string, SourceRun>();
  if (tasks.length === 0) return found;
  for (const runId of await runIds(root)) {
    const file = recordFile(root, runId);
    if ((await readHead(file))?.job !== job) continue;
    const run = await fold(file, runId);
    if (!run) continue;
    for (const t of tasks) if (!found.has(t.id) && usable(run, t.id)) found.set(t.id, run);
    if (found.size === tasks.length) break;
  }
  return found;
}

/** Whether `run` holds a result of `task` that can be passed on: it succeeded, and the record kept the result whole. */
function usable(run: SourceRun | undefined, task: string): run is SourceRun {
  return run?.state.tasks[task]?.status === 'succeeded' && !truncated(run.state.results[task]);
}

/** A result the recorder replaced by a note because it was too large (recorder.ts). */
function truncated(result: unknown): boolean {
  return typeof result === 'object' && result !== null && (result as { $truncated?: unknown }).$truncated === true;
}

/** What changed in a task since `run` recorded it, in words, or undefined. */
function changedSince(task: TaskModel, run: SourceRun, modules: (file: string) => ModuleFingerprint | undefined): string | undefined {
  const then = run.planned.get(task.id);
  const since = `since run ${run.runId}`;
  if (!then) return `${task.id} was not in run ${run.runId}`;
  if (then.className !== task.className) return `${task.id}'s class changed ${since} (${then.className}, now ${task.className})`;
  if (!sameJson(then.params ?? {}, task.params)) return `${task.id}'s params changed ${since}`;
  // A task the earlier run took from another run was planned without its own dependencies.
  if (!run.state.tasks[task.id]?.reused && !sameJson([...then.dependencies].sort(), [...task.dependencies].sort())) {
    return `${task.id}'s dependencies changed ${since} (${then.dependencies.join(', ') || 'none'}, now ${task.dependencies.join(', ') || 'none'})`;
  }
  const module = task.module && modules(task.module);
  if (!module) return undefined;
  const sha1 = recordedSha1(run.plan, then);
  if (sha1 === undefined) {
    return run.plan.modules !== undefined
      ? `run ${run.runId} recorded no hash of ${then.module ?? module.path}, so ${module.path} cannot be compared`
      : `run ${run.runId} was recorded without its modules' hashes (an older version), so ${module.path} cannot be compared`;
  }
  if (then.module !== module.path || sha1 !== module.sha1) return `${module.path} (${task.id}'s module) changed ${since}`;
  return undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface ModuleFingerprint {
  /** From the project root, with `/`. */
  path: string;
  sha1: string;
}

/**
 * The fingerprints of modules as a run's plan records them, each file read once however many tasks
 * share it; undefined for a file that cannot be read.
 */
export function fingerprints(root: string): (file: string) => ModuleFingerprint | undefined {
  const known = new Map<string, ModuleFingerprint | undefined>();
  return (file) => {
    if (!known.has(file)) {
      let print: ModuleFingerprint | undefined;
      try {
        print = { path: portablePath(root, file), sha1: contentHash(fs.readFileSync(file)) };
      } catch {
        print = undefined;
      }
      known.set(file, print);
    }
    return known.get(file);
  };
}

/** The tasks, each after its dependencies (a runnable job has no cycles). */
function dependencyOrder(job: JobModel): TaskModel[] {
  const graph = buildGraph(job);
  const remaining = graph.deps.map((d) => d.length);
  const order: number[] = [];
  remaining.forEach((n, i) => n === 0 && order.push(i));
  for (let head = 0; head < order.length; head++) {
    for (const d of graph.dependents[order[head]]) if (--remaining[d] === 0) order.push(d);
  }
  return order.map((i) => graph.tasks[i]);
}
