import { type CodeAction, type CodeActionContext, CodeActionKind, type Diagnostic, type Range, TextEdit } from 'vscode-languageserver-types';
import type { Problem } from '../../engine/config/types';
import { createModuleActions } from './create-module';
import { dependencyEntry, removalSpan } from './dependency-edits';
import { toDiagnostic } from './diagnostics';
import type { ParsedDocument } from './document';
import { jobAt } from './locate';
import type { Span } from './outline';

export interface CodeActionOptions {
  /** Whether the client applies file creations and renames in a workspace edit (else a command creates files). */
  resourceOperations: boolean;
  /** Whether a new file may be created there (the server allows its workspace folders only). */
  canCreate: (file: string) => boolean;
}

const DEFAULTS: CodeActionOptions = { resourceOperations: true, canCreate: () => true };

/**
 * Quick fixes for the problems in `range`: create a missing task or handler module, replace an unknown
 * dependency with the close name, remove a dependency, break a cycle by removing one of its edges.
 * The facts come from the server's own analysis of this version, not from what the client sends back.
 */
export function getCodeActions(doc: ParsedDocument, range: Range, context: CodeActionContext, options: CodeActionOptions = DEFAULTS): CodeAction[] {
  if (context.only && !context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
  const wanted = context.diagnostics.map((d) => `${String(d.code)}@${key(d.range)}`);
  const problems = doc.analysis.problems.filter((p) =>
    context.diagnostics.length > 0 ? wanted.includes(`${p.code}@${key(p.range)}`) : overlaps(p.range, range),
  );
  const actions: CodeAction[] = [];
  for (const problem of problems) {
    const diagnostic = toDiagnostic(doc, problem);
    switch (problem.code) {
      case 'missing-task':
      case 'missing-handler':
        actions.push(...createModuleActions(doc, problem, diagnostic, options));
        break;
      case 'unknown-dependency':
        if (problem.data?.suggestion) {
          const edit = TextEdit.replace(problem.range, JSON.stringify(problem.data.suggestion));
          actions.push(fix(doc, `Change to "${problem.data.suggestion}"`, diagnostic, [edit], true));
        }
        actions.push(...removeActions(doc, problem, diagnostic));
        break;
      case 'self-dependency':
      case 'cycle':
        actions.push(...removeActions(doc, problem, diagnostic));
        break;
      default:
        break;
    }
  }
  return actions;
}

/** "Remove the dependency" for the entry the problem is on; for a cycle, one action per edge of it. */
function removeActions(doc: ParsedDocument, problem: Problem, diagnostic: Diagnostic): CodeAction[] {
  const offset = doc.lines.offset(problem.range.start);
  const job = jobAt(doc.outline(), offset);
  const { task, dependency, cycle } = problem.data ?? {};
  const own = job?.tasks.flatMap((t) => t.dependencies).find((d) => d.span.start === offset);
  if (!job || !own || !task || !dependency) return [];
  const breaksCycle = problem.code === 'cycle' && problem.severity === 'error' && cycle !== undefined;
  const title = (from: string, to: string) =>
    breaksCycle ? `Break the cycle: remove "${to}" from the dependencies of "${from}"` : `Remove dependency "${to}"`;
  const actions = [fix(doc, title(task, dependency), diagnostic, [removeEdit(doc, own.span)], problem.code === 'self-dependency')];
  for (let k = 0; breaksCycle && k + 1 < cycle.length; k++) {
    const found = cycle[k] === task ? undefined : dependencyEntry(job, cycle[k], cycle[k + 1]);
    if (found) actions.push(fix(doc, title(cycle[k], cycle[k + 1]), diagnostic, [removeEdit(doc, found.entry.span)], false));
  }
  return actions;
}

function removeEdit(doc: ParsedDocument, entry: Span): TextEdit {
  return TextEdit.del(doc.range(removalSpan(doc.text, entry)));
}

function fix(doc: ParsedDocument, title: string, diagnostic: Diagnostic, edits: TextEdit[], isPreferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred, edit: { changes: { [doc.uri]: edits } } };
}

const key = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}
