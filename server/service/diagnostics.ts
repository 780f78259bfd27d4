import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Problem, Severity } from '../../engine/config/types';
import { DIAGNOSTIC_SOURCE } from '../protocol';
import type { ParsedDocument } from './document';
import { pathToUri } from './uri';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface DiagnosticOptions {
  /** Whether the client shows `relatedInformation` (else it is left out). */
  relatedInformation: boolean;
}

/** Every problem of the analysis as an LSP diagnostic, with the analysis' code and its facts in `data`. */
export function toDiagnostics(doc: ParsedDocument, options: DiagnosticOptions = { relatedInformation: true }): Diagnostic[] {
  return doc.analysis.problems.map((p) => toDiagnostic(doc, p, options));
}

export function toDiagnostic(doc: ParsedDocument, problem: Problem, options: DiagnosticOptions = { relatedInformation: true }): Diagnostic {
  const diagnostic: Diagnostic = {
    range: problem.range,
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
  };
  if (options.relatedInformation && problem.related?.length) {
    diagnostic.relatedInformation = problem.related.map((r) => ({
      location: { uri: r.file ? pathToUri(r.file) : doc.uri, range: r.range },
      message: r.message,
    }));
  }
  if (problem.data) diagnostic.data = problem.data;
  return diagnostic;
}
