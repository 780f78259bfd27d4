import { buildGraph } from '../analysis/graph';
import { planJob } from '../analysis/plan';
import { locateAll } from '../config/json-scan';
import { LineIndex } from '../config/text';
import type { JobModel, Position } from '../config/types';
import { own, VIEW_MODEL_VERSION, type ViewModel, type ViewTask } from './model';

export interface JobViewOptions {
  /** The config's text, to place each task's entry (`configPosition`). */
  configText?: string;
}

/** The view model of a job as the config defines it, without a run. */
export function jobViewModel(job: JobModel, configFile?: string, options: JobViewOptions = {}): ViewModel {
  const graph = buildGraph(job);
  const plan = planJob(job, graph);
  const positions = options.configText === undefined ? [] : taskPositions(options.configText, job, graph.tasks);
  const tasks = graph.tasks.map((task, i): ViewTask => {
    const view: ViewTask = {
      id: task.id,
      className: task.className,
      dependencies: graph.deps[i].map((d) => graph.tasks[d].id),
      stage: own(plan.stageOf, task.id) ?? 0,
    };
    if (task.module !== undefined) view.module = task.module;
    if (positions[i]) view.configPosition = positions[i];
    if (task.timeout !== undefined) view.timeoutMs = task.timeout * 1000;
    if (task.retries > 0) view.retries = task.retries;
    return view;
  });
  const model: ViewModel = { version: VIEW_MODEL_VERSION, job: job.name, handler: job.handler, tasks };
  if (configFile !== undefined) model.configFile = configFile;
  return model;
}

/** Where each task's entry starts in the config (one pass over the text for all of them). */
function taskPositions(text: string, job: JobModel, tasks: JobModel['tasks']): (Position | undefined)[] {
  const spans = locateAll(
    text,
    tasks.map((t) => ['jobs', job.index, 'tasks', t.index]),
  );
  const lines = new LineIndex(text);
  return spans.map((span) => (span ? lines.position(span.valueStart) : undefined));
}
