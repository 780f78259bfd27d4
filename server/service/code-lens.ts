import type { CodeLens } from 'vscode-languageserver-types';
import { Commands, type RunJobArguments } from '../protocol';
import type { ParsedDocument } from './document';

/** The client's "Show Job Graph" (the Run view), which takes the same `{ uri, job }` as Run Job. */
export const SHOW_JOB_GRAPH_COMMAND = 'fastasyncio.showJobGraph';

/** The client's "Debug Job" (a run under VS Code's debugger), which takes the same `{ uri, job }` as Run Job. */
export const DEBUG_JOB_COMMAND = 'fastasyncio.debugJob';

/**
 * Above each named job, "Run job" (`fastasyncio.runJob`) and beside it "Debug" (`fastasyncio.debugJob`)
 * and "Graph" (`fastasyncio.showJobGraph`), all with `{ uri, job }`: the client runs them.
 */
export function getCodeLenses(doc: ParsedDocument): CodeLens[] {
  return doc.outline().jobs.flatMap((job) => {
    if (!job.name) return [];
    const args: RunJobArguments = { uri: doc.uri, job: job.name.value };
    const at = doc.lines.position(job.span.start);
    const range = { start: at, end: at };
    return [
      { range, command: { title: `▶ Run job ${job.name.value}`, command: Commands.runJob, arguments: [args] } },
      { range, command: { title: 'Debug', tooltip: `Run ${job.name.value} under the debugger`, command: DEBUG_JOB_COMMAND, arguments: [args] } },
      {
        range,
        command: { title: 'Graph', tooltip: `Show the task graph of ${job.name.value} (and its runs)`, command: SHOW_JOB_GRAPH_COMMAND, arguments: [args] },
      },
    ];
  });
}
