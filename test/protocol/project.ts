import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempProject as baseProject } from '../helpers/project';

export interface TempProject {
  root: string;
  config: string;
  configUri: string;
  taskDir: string;
  write(relative: string, text: string): string;
  remove(): void;
}

export const taskModule = (name: string) =>
  `import { BaseTask } from 'fastasyncio';\n\nexport class ${name} extends BaseTask {\n  async execute() {\n    return {};\n  }\n}\n`;

/** A project in the seed's layout in a temporary folder: task modules for `classes`, `job1_handler.ts`, and a config. */
export function tempProject(configText: string, classes: string[] = ['Task1', 'Task2', 'Task3', 'Task4']): TempProject {
  const files: Record<string, string> = Object.fromEntries(classes.map((c) => [`src/job/task/${c.toLowerCase()}.ts`, taskModule(c)]));
  files['src/joborchrestrator/handler/job1_handler.ts'] =
    "import { GenericJobHandler } from 'fastasyncio';\n\nexport class Job1Handler extends GenericJobHandler {}\n";
  const project = baseProject(configText, files);
  return {
    root: project.root,
    config: project.configFile,
    configUri: pathToFileURL(project.configFile).href,
    taskDir: path.join(project.root, 'src/job/task'),
    write: project.write,
    remove: project.remove,
  };
}

/** A one-job config; each task is `[name, ...dependencies]`. */
export function jobConfig(tasks: string[][]): string {
  const entries = tasks.map(
    ([name, ...deps]) => `        { "name": "${name}"${deps.length ? `, "dependencies": [${deps.map((d) => `"${d}"`).join(', ')}]` : ''} }`,
  );
  return `{\n  "jobs": [\n    {\n      "name": "job1",\n      "handler": "job1_handler.Job1Handler",\n      "tasks": [\n${entries.join(',\n')}\n      ]\n    }\n  ]\n}\n`;
}

/** A one-job config of `tasks` tasks reusing `classes` classes (`Work0`...) via "task", three dependencies each. */
export function bigConfig(tasks: number, classes = 10): string {
  const entries: string[] = [];
  for (let i = 0; i < tasks; i++) {
    const deps = [i - 1, i - 2, i - 3].filter((d) => d >= 0).map((d) => `"T${d}"`);
    entries.push(`        { "name": "T${i}", "task": "Work${i % classes}", "dependencies": [${deps.join(', ')}], "params": { "n": ${i} } }`);
  }
  return `{\n  "jobs": [\n    {\n      "name": "big",\n      "handler": "GenericJobHandler",\n      "tasks": [\n${entries.join(',\n')}\n      ]\n    }\n  ]\n}\n`;
}

/**
 * The same kind of job as `bigConfig`, pretty-printed as an editor or `JSON.stringify(config, null, 2)`
 * writes it, with params: a task takes seven to nine lines (about 2.3 MB for 10,000 tasks).
 */
export function prettyConfig(tasks: number, classes = 10): string {
  const entries = Array.from({ length: tasks }, (_, i) => ({
    name: `T${i}`,
    task: `Work${i % classes}`,
    dependencies: [i - 1, i - 2, i - 3].filter((d) => d >= 0).map((d) => `T${d}`),
    params: { n: i },
  }));
  return JSON.stringify({ jobs: [{ name: 'big', handler: 'GenericJobHandler', tasks: entries }] }, null, 2) + '\n';
}
