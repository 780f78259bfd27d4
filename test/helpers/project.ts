import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

export interface TempProject {
  root: string;
  configFile: string;
  /** Writes a file under the project root. */
  write(relative: string, text: string): string;
  /** The run records written so far. */
  records(): string[];
  remove(): void;
}

/**
 * A project on disk in the seed's layout: `configs/job_config.json`, tasks in `src/job/task/`,
 * handlers in `src/joborchrestrator/handler/`. `files` maps paths relative to the root to contents.
 */
export function tempProject(config: unknown, files: Record<string, string> = {}): TempProject {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-test-')));
  const write = (relative: string, text: string) => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const configFile = write('configs/job_config.json', typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  for (const [relative, text] of Object.entries(files)) write(relative, text);
  return {
    root,
    configFile,
    write,
    records: () => {
      const dir = path.join(root, '.fastasyncio/runs');
      return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    },
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** A task module (JavaScript, CommonJS) whose class runs `body` as `async execute(input, ctx)`. */
export function taskModule(className: string, body: string): Record<string, string> {
  return {
    [`src/job/task/${className.toLowerCase()}.js`]: `const { BaseTask, sleep } = require('fastasyncio');\nexports.${className} = class ${className} extends BaseTask {\n  async execute(input, ctx) {\n${body}\n  }\n};\n`,
  };
}

/**
 * For a test file: makes projects of one job (`job1`, the generic handler, the given tasks and files),
 * each removed once the file's tests are done.
 */
export function oneJobProjects(): (tasks: object[], files: Record<string, string>) => TempProject {
  const made: TempProject[] = [];
  after(() => made.forEach((p) => p.remove()));
  return (tasks, files) => {
    const p = tempProject({ jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks }] }, files);
    made.push(p);
    return p;
  };
}
