import { inTaskScope } from './capture';
import { type LoadScope, loadClass } from './loader';
import type { TaskExecution, TaskExecutor } from './executor';

interface TaskLike {
  execute(input: unknown, ctx: unknown): unknown;
}

/** Runs tasks in this process: loads each class once, makes a new instance per attempt (as the seed did). */
export class InProcessExecutor implements TaskExecutor {
  private readonly classes = new Map<string, Promise<new () => unknown>>();
  /** Classes already loaded, by module then name. */
  private readonly loaded = new Map<string, Map<string, new () => unknown>>();

  constructor(private readonly scope: LoadScope) {}

  private load(module: string, className: string): Promise<new () => unknown> {
    const key = `${module}\0${className}`;
    let load = this.classes.get(key);
    if (!load) {
      load = loadClass(module, className, this.scope);
      this.classes.set(key, load);
      void load.then(
        (TaskClass) => {
          let byName = this.loaded.get(module);
          if (!byName) this.loaded.set(module, (byName = new Map<string, new () => unknown>()));
          byName.set(className, TaskClass);
        },
        () => undefined,
      );
    }
    return load;
  }

  async prepare(tasks: readonly { module: string; className: string }[]): Promise<void> {
    // One load per class, not per task: a job of 10,000 tasks of one class waits on one promise.
    const classes = new Map<string, Set<string>>();
    for (const t of tasks) {
      let names = classes.get(t.module);
      if (!names) classes.set(t.module, (names = new Set()));
      names.add(t.className);
    }
    const loads: Promise<new () => unknown>[] = [];
    for (const [module, names] of classes) for (const className of names) loads.push(this.load(module, className));
    // A module that fails to load fails its tasks when they run, not the run.
    await Promise.allSettled(loads);
  }

  execute(execution: TaskExecution): Promise<unknown> {
    // Once a class is loaded, tasks start synchronously: no extra turn of the microtask queue.
    const loaded = this.loaded.get(execution.module)?.get(execution.className);
    if (loaded) return this.instantiate(loaded, execution);
    return this.load(execution.module, execution.className).then((TaskClass) => this.instantiate(TaskClass, execution));
  }

  /** In a worker, all the task prints (its constructor included) is its own (capture.ts); elsewhere this just calls it. */
  private instantiate(TaskClass: new () => unknown, execution: TaskExecution): Promise<unknown> {
    return inTaskScope(execution, () => {
      try {
        const instance = new TaskClass() as Partial<TaskLike>;
        if (typeof instance.execute !== 'function') throw new TypeError(`${execution.className} has no execute(input, ctx) method`);
        return Promise.resolve(instance.execute(execution.input, execution));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
