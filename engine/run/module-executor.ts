import type { JobModel } from '../config/types';
import type { TaskExecution, TaskExecutor } from './executor';
import type { PythonRuntime } from './python/runtime';

/** Whether a module is Python (the seed's tasks and handlers), run by the Python runner. */
export const isPythonModule = (module: string | undefined): boolean => module?.endsWith('.py') ?? false;

/** Whether a job runs Python code: its handler's module or a task's is a `.py` file. */
export function usesPython(job: Pick<JobModel, 'handlerModule' | 'tasks'>): boolean {
  return isPythonModule(job.handlerModule) || job.tasks.some((t) => isPythonModule(t.module));
}

/**
 * Runs each task with the executor of its module's language: Python modules in the run's Python
 * runner, the others (TypeScript, JavaScript) in this process. One job may mix them: results pass by
 * task id either way.
 */
export class ModuleExecutor implements TaskExecutor {
  constructor(
    private readonly native: TaskExecutor,
    private readonly python: PythonRuntime,
  ) {}

  execute(execution: TaskExecution): Promise<unknown> {
    return isPythonModule(execution.module) ? this.python.execute(execution) : this.native.execute(execution);
  }

  async prepare(tasks: readonly { module: string; className: string }[]): Promise<void> {
    const python: { module: string; className: string }[] = [];
    const native: { module: string; className: string }[] = [];
    for (const t of tasks) (isPythonModule(t.module) ? python : native).push(t);
    // A runner that cannot start fails the run (runJob) or its tasks, not the preparation.
    await Promise.all([this.native.prepare?.(native), this.python.prepare(python).catch(() => undefined)]);
  }
}
