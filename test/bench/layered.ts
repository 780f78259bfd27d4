/** A task of a layered bench graph (the classes are shared: `task` names the class, `name` is unique). */
export interface TaskSpec {
  name: string;
  task: string;
  dependencies: string[];
}

/** `layers` × `width` tasks of class `className`; each after tasks i, i+1 and i+2 (mod width) of the layer before. */
export function layered(className: string, layers: number, width: number): TaskSpec[] {
  const tasks: TaskSpec[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let i = 0; i < width; i++) {
      const dependencies = layer === 0 ? [] : [0, 1, 2].map((k) => `L${layer - 1}_${(i + k) % width}`);
      tasks.push({ name: `L${layer}_${i}`, task: className, dependencies });
    }
  }
  return tasks;
}

/** When each task of a run started and finished (epoch or performance ms, the same clock for both). */
export interface TaskTimes {
  started: Map<string, number>;
  finished: Map<string, number>;
}

/**
 * Where a sleeping graph's excess over its critical path goes: each task's time beyond its sleep (the
 * way to whatever runs it and back), and its start after its last dependency's end (the scheduler).
 */
export function sleepExcess(runs: readonly TaskTimes[], tasks: readonly TaskSpec[], sleepMs: number): { beyond: number[]; startDelay: number[] } {
  const beyond = runs.flatMap((t) => tasks.map((task) => t.finished.get(task.name)! - t.started.get(task.name)! - sleepMs));
  const startDelay = runs.flatMap((t) =>
    tasks
      .filter((task) => task.dependencies.length > 0)
      .map((task) => t.started.get(task.name)! - Math.max(...task.dependencies.map((d) => t.finished.get(d)!))),
  );
  return { beyond, startDelay };
}
