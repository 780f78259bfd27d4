/** The engine's public API, for programs that embed it (the CLI, the server and the extension import modules directly). */
export * from './config/types';
export { analyzeConfig, hasErrors, type Analysis, type AnalyzeOptions } from './analysis/analyze';
export { planJob, type JobPlan, type PlanStage } from './analysis/plan';
export { configSchema } from './analysis/schema';
export { type ProjectFiles, memoryFiles } from './files';
export { nodeFiles } from './node-files';
export { decodeUtf8, LineIndex } from './config/text';
export { readConfigFile, type ReadConfig } from './analysis/read-config';
export { ConfigReadError } from './config/read';
export type * from './run/events';
export { runJob } from './run/run-job';
export { ConfigError, JobNotFoundError, type RunOptions } from './run/setup';
export { runJobInChild, type ChildRunOptions } from './run/child-runner';
export { TaskExecution, type TaskExecutor, type TaskRequest } from './run/executor';
export { RunState } from './run/summary';
export { listRuns, readRun, isRunId } from './run/records';
export { inspectRun, listRecordedRuns, recordedState, recordedSummary, replayRun, type RecordedRun, type RunListItem } from './run/recorded-runs';
export { BaseTask, GenericJobHandler, sleep, type TaskContext, type JobContext } from './runtime/index';
