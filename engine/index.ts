/** The engine's public API: the config model and its analysis (runtime and runner come later). */
export * from './config/types';
export { analyzeConfig, hasErrors, type Analysis, type AnalyzeOptions } from './analysis/analyze';
export { planJob, type JobPlan, type PlanStage } from './analysis/plan';
export { configSchema } from './analysis/schema';
export { type ProjectFiles, memoryFiles } from './files';
export { nodeFiles } from './node-files';
export { decodeUtf8, LineIndex } from './config/text';
