import { buildModel } from '../config/model';
import { type LayoutDefaults, resolveLayout } from '../config/layout';
import { type JsonPath, locateAll } from '../config/json-scan';
import { parseJson } from '../config/syntax';
import { LineIndex } from '../config/text';
import type { ConfigModel, Problem } from '../config/types';
import type { ProjectFiles } from '../files';
import { checkCycles } from './cycles';
import { checkDependencies } from './dependencies';
import { checkDuplicateNames } from './duplicates';
import { type Finding, type Locate, pushAll, resolveFindings } from './findings';
import { type DependencyGraph, dependencyGraph, firstIndexById } from './graph';
import { attributeToJobs } from './job-errors';
import { checkModules } from './modules';
import { checkSchema } from './schema';

export interface AnalyzeOptions {
  /** Absolute path of the config file: the project's folders are found from it. */
  file: string;
  /** Read-only view of the project's files. */
  files: ProjectFiles;
  /** Offset of the first byte that was not valid UTF-8, when the text was decoded from bytes. */
  invalidUtf8At?: number;
  /** Task and handler folders (absolute) for configs that name none; the seed's layout otherwise. */
  defaults?: LayoutDefaults;
}

export interface Analysis {
  /** The parsed model; absent when the text is not JSON or not an object. */
  model?: ConfigModel;
  /** Every problem, sorted by position. */
  problems: Problem[];
  /** The parsed JSON value, when the text is JSON. */
  value?: unknown;
  lines: LineIndex;
}

/**
 * The whole analysis of a job config: syntax, schema, names, dependencies, cycles and modules. Pure
 * over its inputs (the text and a read-only view of files); every problem is data with an exact range
 * and a stable code. Never throws on any input.
 */
export function analyzeConfig(text: string, options: AnalyzeOptions): Analysis {
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  if (options.invalidUtf8At !== undefined) {
    findings.push({ code: 'syntax', severity: 'error', message: 'The file is not valid UTF-8', at: { offset: options.invalidUtf8At, length: 1 } });
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    for (const e of parsed.errors) findings.push({ code: 'syntax', severity: 'error', message: e.message, at: e });
    return { problems: sortProblems(resolveFindings(text, lines, findings)), lines };
  }
  for (const d of parsed.duplicateKeys) {
    findings.push({
      code: 'syntax',
      severity: 'warning',
      message: `Duplicate key "${d.key}": only the last one counts`,
      at: { offset: d.start, length: d.end - d.start },
      related: [{ message: `"${d.key}" first appears here`, at: { offset: d.firstStart, length: d.firstEnd - d.firstStart } }],
    });
  }
  return analyzeValue(text, parsed.value, findings, options).analysis;
}

/** What the checks after parsing found, and the parts an edit inside one task may keep (see edits.ts). */
export interface ValueAnalysis {
  analysis: Analysis;
  /** The checks of names and dependencies; absent without a model. */
  graph?: GraphChecks;
}

/** The checks that read only the tasks' names and dependencies (duplicates, dependencies, cycles), per job of the model. */
export interface GraphChecks {
  findings: Finding[];
  ids: Map<string, number>[];
  graphs: DependencyGraph[];
}

export interface AnalysisReuse {
  /** The previous text's checks of names and dependencies, when the edit changed no name and no dependency. */
  graph?: GraphChecks;
  /** The graphs of the new model made from the previous ones (an edit of one task's dependencies), else undefined. */
  graphsFor?: (model: ConfigModel) => Pick<GraphChecks, 'ids' | 'graphs'> | undefined;
  /** Finds the places of the findings; the whole text is scanned otherwise. */
  locate?: Locate;
  /** The text's line index, when the caller can make it quicker than a scan. */
  lines?: LineIndex;
}

/** The analysis of a parsed config, after its syntax `findings`: schema, names, dependencies, cycles and modules. */
export function analyzeValue(text: string, value: unknown, findings: Finding[], options: AnalyzeOptions, reuse: AnalysisReuse = {}): ValueAnalysis {
  const lines = reuse.lines ?? new LineIndex(text);
  const locate = reuse.locate ?? ((paths: readonly JsonPath[]) => locateAll(text, paths));
  pushAll(findings, checkSchema(value));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { analysis: { problems: sortProblems(resolveFindings(text, lines, findings, locate)), value, lines } };
  }
  const model = buildModel(value, resolveLayout(options.file, value, options.files, options.defaults));
  const graph = reuse.graph ?? checkGraph(value, model, reuse.graphsFor?.(model));
  pushAll(findings, graph.findings, checkModules(model, options.files));
  attributeToJobs(findings, value);
  return { analysis: { model, problems: sortProblems(resolveFindings(text, lines, findings, locate)), value, lines }, graph };
}

function checkGraph(value: object, model: ConfigModel, prepared?: Pick<GraphChecks, 'ids' | 'graphs'>): GraphChecks {
  // Shared by the checks: on a job of 100,000 tasks each map of the names, or each look-up of every
  // dependency, costs about as much as a check.
  const ids = prepared?.ids ?? model.jobs.map(firstIndexById);
  const graphs = prepared?.graphs ?? model.jobs.map((job, j) => dependencyGraph(job, ids[j]));
  const findings: Finding[] = [];
  pushAll(findings, checkDuplicateNames(model, ids), checkDependencies(value, model, ids, graphs), checkCycles(value, model, ids, graphs));
  return { findings, ids, graphs };
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
