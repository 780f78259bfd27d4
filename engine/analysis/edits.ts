import { forEachElement, type JsonPath, kindAt, locateAll, type NodeSpan, skipValue } from '../config/json-scan';
import { hasPlainStructure } from '../config/key-count';
import { isObject, taskClassName } from '../config/model';
import { MAX_DEPTH } from '../config/syntax';
import { LineIndex, type TextChange } from '../config/text';
import { type Analysis, type AnalysisReuse, type AnalyzeOptions, analyzeConfig, analyzeValue, type GraphChecks } from './analyze';
import { withChangedDependencies } from './graph';
import type { ConfigModel } from '../config/types';
import type { Locate } from './findings';

/*
 * The analysis of a config after an edit, without parsing it all again. Typing happens inside one task
 * almost always; then only that task's text is parsed, the rest of the parsed value is kept, and the
 * checks that read only names and dependencies keep their findings when the task's name and dependencies
 * did not change. Everything else (schema, modules, where each problem is) is checked again, so the
 * result is exactly `analyzeConfig` of the new text; any edit this cannot be sure of (across a task's
 * braces, outside the tasks, a text that was not valid JSON) gets a whole analysis instead.
 */

export type { TextChange };

export interface Edit {
  previous: { text: string; analysis: Analysis };
  text: string;
  change: TextChange;
}

/** The offsets of each task entry, per job: entry `k` of `jobs[j].tasks` is the text's [starts[k], ends[k]). */
interface TaskSpans {
  starts: Int32Array;
  ends: Int32Array;
}

/** What an analysis keeps for the next edit: made at the first edit, then carried from one analysis to the next. */
interface EditState {
  /** Per entry of `jobs`; undefined where `tasks` is not an array. */
  spans: (TaskSpans | undefined)[];
  graph?: GraphChecks;
}

const states = new WeakMap<Analysis, EditState>();

/** A task entry sits in `tasks` of an entry of `jobs` of the top-level object: four containers deep. */
const TASK_DEPTH = 4;

/** `analyzeConfig(edit.text, options)`, quicker when the change is inside one task entry. */
export function analyzeEdit(edit: Edit, options: AnalyzeOptions): Analysis {
  return analyzeInsideTask(edit, options) ?? analyzeConfig(edit.text, options);
}

/** The analysis after a change inside one task entry; undefined for any other edit. */
export function analyzeInsideTask({ previous, text, change }: Edit, options: AnalyzeOptions): Analysis | undefined {
  const root = previous.analysis.value;
  // Offsets of syntax problems (duplicate keys, invalid UTF-8) would have to move: rare, so analysed whole.
  if (!isObject(root) || !Array.isArray(root.jobs) || options.invalidUtf8At !== undefined) return undefined;
  if (previous.analysis.problems.some((p) => p.code === 'syntax')) return undefined;
  const state = states.get(previous.analysis) ?? editState(previous.text, root.jobs);
  const found = entryAround(state.spans, change);
  if (!found) return undefined;
  const { job: j, task: k } = found;
  const spans = state.spans[j]!;
  const delta = change.newEnd - change.oldEnd;
  const start = spans.starts[k];
  const end = spans.ends[k] + delta;
  const entry = parseEntry(text.slice(start, end));
  if (entry === undefined) return undefined;

  const jobs = root.jobs.slice();
  const job = jobs[j] as Record<string, unknown>;
  const tasks = (job.tasks as unknown[]).slice();
  const before = tasks[k];
  tasks[k] = entry.value;
  jobs[j] = { ...job, tasks };
  const value = { ...root, jobs };

  const nextSpans = shifted(state.spans, j, k, delta);
  const lines = LineIndex.afterEdit(previous.analysis.lines, text, change);
  const result = analyzeValue(text, value, [], options, {
    ...graphReuse(state.graph, graphChange(before, entry.value), previous.analysis.model, j, k),
    locate: locator(text, nextSpans),
    lines,
  });
  states.set(result.analysis, { spans: nextSpans, graph: result.graph });
  return result.analysis;
}

/** The offsets of every task entry of the previous text (one scan, at the first edit of a document). */
function editState(text: string, jobs: unknown[]): EditState {
  const arrays = locateAll(
    text,
    jobs.map((_, j) => ['jobs', j, 'tasks']),
  );
  const spans = arrays.map((span, j): TaskSpans | undefined => {
    const tasks = (jobs[j] as { tasks?: unknown } | null)?.tasks;
    if (!span || span.kind !== 'array' || !Array.isArray(tasks)) return undefined;
    const starts = new Int32Array(tasks.length);
    const ends = new Int32Array(tasks.length);
    let count = 0;
    forEachElement(text, span.valueStart, (index, at) => {
      const end = skipValue(text, at);
      if (index < tasks.length) [starts[index], ends[index]] = [at, end];
      count = index + 1;
      return end;
    });
    return count === tasks.length ? { starts, ends } : undefined;
  });
  return { spans };
}

/** The task entry whose text holds the whole change, its first and last characters untouched. */
function entryAround(spans: readonly (TaskSpans | undefined)[], change: TextChange): { job: number; task: number } | undefined {
  for (let j = 0; j < spans.length; j++) {
    const job = spans[j];
    if (!job || job.starts.length === 0) continue;
    // The last entry starting before the change.
    let lo = 0;
    let hi = job.starts.length - 1;
    if (job.starts[0] >= change.start) continue;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (job.starts[mid] < change.start) lo = mid;
      else hi = mid - 1;
    }
    if (change.oldEnd < job.ends[lo]) return { job: j, task: lo };
  }
  return undefined;
}

/**
 * A task entry's new text as a value, when it is JSON as the whole analysis would read it: no
 * duplicate key, no deeper nesting than allowed at its place. Anything else is for the whole analysis,
 * which says where the problem is.
 */
function parseEntry(slice: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(slice);
  } catch {
    return undefined;
  }
  return hasPlainStructure(slice, value, MAX_DEPTH - TASK_DEPTH) ? { value } : undefined;
}

/** The spans after the change inside entry `k` of job `j`: its end and everything after it move by `delta`. */
function shifted(spans: readonly (TaskSpans | undefined)[], j: number, k: number, delta: number): (TaskSpans | undefined)[] {
  if (delta === 0) return spans.slice();
  return spans.map((job, i) => {
    if (!job || i < j) return job;
    const starts = job.starts.slice();
    const ends = job.ends.slice();
    const from = i === j ? k + 1 : 0;
    if (i === j) ends[k] += delta;
    for (let t = from; t < starts.length; t++) {
      starts[t] += delta;
      ends[t] += delta;
    }
    return { starts, ends };
  });
}

/**
 * What the checks of names and dependencies see change in a task entry: nothing (both out of the model,
 * not being objects with a string name, or the same name, class and dependency list: strings equal,
 * anything else in the same slots), its dependencies only, or its name (or its class, which the
 * duplicate-name message names).
 */
function graphChange(before: unknown, after: unknown): 'none' | 'dependencies' | 'name' {
  const a = graphEntry(before);
  const b = graphEntry(after);
  if (!a || !b) return a === b ? 'none' : 'name';
  if (a.name !== b.name || a.className !== b.className) return 'name';
  const was = a.dependencies;
  const is = b.dependencies;
  if (!Array.isArray(was) || !Array.isArray(is)) return Array.isArray(was) === Array.isArray(is) ? 'none' : 'dependencies';
  if (was.length !== is.length) return 'dependencies';
  const same = was.every((d: unknown, i) => {
    const e: unknown = is[i];
    return typeof d === 'string' || typeof e === 'string' ? d === e : true;
  });
  return same ? 'none' : 'dependencies';
}

/**
 * What the new analysis keeps of the previous checks of names and dependencies: all of them when the
 * edit changed neither, the names and the other tasks' dependencies when it changed the dependencies of
 * entry `k` of job `j`, nothing when it changed a name.
 */
function graphReuse(
  graph: GraphChecks | undefined,
  change: ReturnType<typeof graphChange>,
  model: ConfigModel | undefined,
  j: number,
  k: number,
): AnalysisReuse {
  if (!graph || !model || change === 'name') return {};
  if (change === 'none') return { graph };
  const m = model.jobs.findIndex((job) => job.index === j);
  // A job without a name is not in the model: its tasks are in no graph.
  if (m === -1) return { graph };
  const t = model.jobs[m].tasks.findIndex((task) => task.index === k);
  const previous = model.jobs[m].tasks[t].dependencies;
  return {
    graphsFor: (next) => {
      const graphs = graph.graphs.slice();
      graphs[m] = withChangedDependencies(graph.graphs[m], next.jobs[m], graph.ids[m], t, previous);
      return { ids: graph.ids, graphs };
    },
  };
}

function graphEntry(task: unknown): { name: string; className: string; dependencies: unknown } | undefined {
  if (!isObject(task) || typeof task.name !== 'string') return undefined;
  return { name: task.name, className: taskClassName(task, task.name), dependencies: task.dependencies };
}

/**
 * Finds places as `locateAll` over the whole text would, but looks for those inside a task entry in that
 * entry's text only: a problem in the last of 10,000 tasks no longer costs a scan of the file.
 */
function locator(text: string, spans: readonly (TaskSpans | undefined)[]): Locate {
  return (paths) => {
    const found = new Array<NodeSpan | undefined>(paths.length);
    const elsewhere: number[] = [];
    const inEntry = new Map<string, { j: number; k: number; slots: number[] }>();
    paths.forEach((path, i) => {
      const [jobs, j, tasks, k] = path;
      const entry = jobs === 'jobs' && typeof j === 'number' && tasks === 'tasks' && typeof k === 'number' ? spans[j] : undefined;
      if (!entry || typeof k !== 'number' || k >= entry.starts.length) return void elsewhere.push(i);
      const id = `${j}/${k}`;
      let group = inEntry.get(id);
      if (!group) inEntry.set(id, (group = { j: j as number, k, slots: [] }));
      group.slots.push(i);
    });
    for (const { j, k, slots } of inEntry.values()) {
      const start = spans[j]!.starts[k];
      const end = spans[j]!.ends[k];
      const inner: JsonPath[] = slots.map((i) => paths[i].slice(4));
      const spansInEntry = locateAll(text.slice(start, end), inner);
      slots.forEach((i, n) => {
        found[i] = inner[n].length === 0 ? { valueStart: start, valueEnd: end, kind: kindAt(text, start) } : moved(spansInEntry[n], start);
      });
    }
    if (elsewhere.length > 0) {
      const rest = locateAll(
        text,
        elsewhere.map((i) => paths[i]),
      );
      elsewhere.forEach((i, n) => (found[i] = rest[n]));
    }
    return found;
  };
}

function moved(span: NodeSpan | undefined, by: number): NodeSpan | undefined {
  if (!span) return undefined;
  const result: NodeSpan = { valueStart: span.valueStart + by, valueEnd: span.valueEnd + by, kind: span.kind };
  if (span.keyStart !== undefined) [result.keyStart, result.keyEnd] = [span.keyStart + by, span.keyEnd! + by];
  return result;
}
