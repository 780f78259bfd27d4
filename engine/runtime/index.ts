/**
 * The `fastasyncio` module as user task and handler modules see it: `import { BaseTask } from 'fastasyncio'`
 * resolves here (the loader maps it to this runtime).
 */
export { BaseTask, sleep, type TaskContext, type TaskInput } from './task';
export { GenericJobHandler, type JobContext } from './handler';
export type { RunSummary, TaskStatus, RunStatus } from '../run/events';
