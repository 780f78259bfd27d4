import type { RunEvent, RunStartedEvent, RunSummary, TaskSummary } from './events';

/**
 * Folds a run's events into its summary: the live status while it runs, the final summary after.
 * The engine, the child-process runner, the HTTP API and the extension all build summaries this way.
 */
export class RunState {
  /** The state a list of events leaves: a recorded run's, or a stream's so far. */
  static of(events: Iterable<RunEvent>): RunState {
    const state = new RunState();
    for (const event of events) state.apply(event);
    return state;
  }

  readonly tasks: Record<string, TaskSummary> = Object.create(null) as Record<string, TaskSummary>;
  readonly results: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  started?: RunStartedEvent;
  job = '';
  runId = '';
  status: RunSummary['status'] = 'running';
  durationMs = 0;
  output?: unknown;
  error?: string;
  /** Tasks currently running, with the time their current attempt started. */
  readonly running = new Map<string, number>();
  finished = false;
  lastSeq = 0;
  /** How many tasks have ended, kept as events come (progress displays read it on every event). */
  ended = 0;

  apply(event: RunEvent): void {
    this.lastSeq = event.seq;
    switch (event.type) {
      case 'run-started':
        this.started = event;
        this.job = event.job;
        this.runId = event.runId;
        for (const t of event.tasks) this.tasks[t.id] = { status: 'pending', attempts: 0, durationMs: 0 };
        break;
      case 'task-started': {
        const task = this.task(event.task);
        task.status = 'running';
        task.attempts = event.attempt;
        this.running.set(event.task, event.time);
        break;
      }
      case 'task-finished': {
        const task = this.task(event.task);
        if (task.status === 'pending' || task.status === 'running') this.ended++;
        task.status = event.status;
        task.attempts = event.attempts;
        task.durationMs = event.durationMs;
        if (event.error) task.error = event.error.message;
        if (event.reused) task.reused = event.reused;
        if (event.status === 'succeeded' && 'result' in event) this.results[event.task] = event.result;
        this.running.delete(event.task);
        break;
      }
      case 'run-finished':
        this.status = event.status;
        this.durationMs = event.durationMs;
        this.output = event.summary.output;
        this.error = event.summary.error;
        this.finished = true;
        break;
      case 'task-assigned':
        this.task(event.task).worker = event.worker;
        break;
      case 'task-log':
      case 'run-log':
      case 'task-retrying':
        break;
    }
    if (!this.finished && this.started) this.durationMs = event.time - this.started.time;
  }

  private task(id: string): TaskSummary {
    return (this.tasks[id] ??= { status: 'pending', attempts: 0, durationMs: 0 });
  }

  summary(): RunSummary {
    const summary: RunSummary = {
      job: this.job,
      runId: this.runId,
      status: this.status,
      durationMs: this.durationMs,
      tasks: this.tasks,
      results: this.results,
    };
    if (this.output !== undefined) summary.output = this.output;
    if (this.error !== undefined) summary.error = this.error;
    return summary;
  }
}
