import type { CodeLens } from 'vscode-languageserver-types';
import { Commands, type RunJobArguments } from '../protocol';
import type { ParsedDocument } from './document';

/** A "Run job" lens above each named job; the client runs `fastasyncio.runJob` with `{ uri, job }`. */
export function getCodeLenses(doc: ParsedDocument): CodeLens[] {
  return doc.outline().jobs.flatMap((job) => {
    if (!job.name) return [];
    const args: RunJobArguments = { uri: doc.uri, job: job.name.value };
    const at = doc.lines.position(job.span.start);
    return [{ range: { start: at, end: at }, command: { title: `▶ Run job ${job.name.value}`, command: Commands.runJob, arguments: [args] } }];
  });
}
