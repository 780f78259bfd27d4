import { findNodeAtLocation, type Node } from 'jsonc-parser';

/** Offsets in the text, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** A string of the config: its value and its place, quotes included. */
export interface Named {
  value: string;
  span: Span;
}

export interface DependencyEntry extends Named {
  /** Index in the `dependencies` array. */
  slot: number;
}

export interface TaskEntry {
  /** Index in the job's `tasks` array. */
  index: number;
  span: Span;
  /** The task's id (`name`). */
  name?: Named;
  /** `task`, when given. */
  task?: Named;
  dependencies: DependencyEntry[];
}

export interface JobEntry {
  index: number;
  span: Span;
  name?: Named;
  handler?: Named;
  tasks: TaskEntry[];
}

/** The jobs and tasks of a config with where each string that names something stands. */
export interface Outline {
  jobs: JobEntry[];
}

/** From the error-tolerant tree, for text that does not parse (yet). */
export function outlineFromTree(root: Node | undefined): Outline {
  const jobsNode = root?.type === 'object' ? findNodeAtLocation(root, ['jobs']) : undefined;
  const jobs: JobEntry[] = [];
  (jobsNode?.type === 'array' ? (jobsNode.children ?? []) : []).forEach((jobNode, index) => {
    if (jobNode.type !== 'object') return;
    const tasksNode = findNodeAtLocation(jobNode, ['tasks']);
    const tasks: TaskEntry[] = [];
    (tasksNode?.type === 'array' ? (tasksNode.children ?? []) : []).forEach((taskNode, taskIndex) => {
      if (taskNode.type !== 'object') return;
      const depsNode = findNodeAtLocation(taskNode, ['dependencies']);
      const dependencies: DependencyEntry[] = [];
      (depsNode?.type === 'array' ? (depsNode.children ?? []) : []).forEach((d, slot) => {
        const s = stringNode(d);
        if (s) dependencies.push({ ...s, slot });
      });
      tasks.push({ index: taskIndex, span: nodeSpan(taskNode), ...property(taskNode, 'name'), ...property(taskNode, 'task'), dependencies });
    });
    jobs.push({ index, span: nodeSpan(jobNode), ...property(jobNode, 'name'), ...property(jobNode, 'handler'), tasks });
  });
  return { jobs };
}

export function nodeSpan(node: Node): Span {
  return { start: node.offset, end: node.offset + node.length };
}

function stringNode(node: Node | undefined): Named | undefined {
  return node?.type === 'string' && typeof node.value === 'string' ? { value: node.value, span: nodeSpan(node) } : undefined;
}

/** `{ [key]: Named }` when the property is a string, else `{}` (so that absent stays absent). */
function property<K extends string>(owner: Node, key: K): { [k in K]?: Named } {
  const named = stringNode(findNodeAtLocation(owner, [key]));
  return named ? ({ [key]: named } as { [k in K]?: Named }) : {};
}
