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
