import * as fs from 'node:fs';
import * as path from 'node:path';
import { after } from 'node:test';
import { type TempProject, tempProject } from './project';

/** The seed's Python example project (examples/python), in the repository. */
export const PYTHON_EXAMPLE = path.resolve(__dirname, '../../examples/python');

/**
 * A Python task module in the seed's style: `class <className>(BaseTask)` with the seed's own base class
 * (`base_task.py`, written beside it) and `body` as `async def execute(self, input_data=None, ctx=None)`,
 * indented by the caller's lines. `imports` go at the top (`import asyncio`).
 */
export function pythonTask(className: string, body: string, options: { imports?: string; sync?: boolean } = {}): Record<string, string> {
  const indented = body
    .trim()
    .split('\n')
    .map((line) => `        ${line}`)
    .join('\n');
  const def = options.sync ? 'def' : 'async def';
  return {
    'src/job/task/base_task.py': 'class BaseTask:\n    async def execute(self, input_data=None):\n        raise NotImplementedError\n',
    [`src/job/task/${className.toLowerCase()}.py`]: `${options.imports ?? ''}\nfrom .base_task import BaseTask\n\n\nclass ${className}(BaseTask):\n    ${def} execute(self, input_data=None, ctx=None):\n${indented}\n`,
  };
}

/** For a test file: projects of one job of the given tasks and files, removed when the file's tests are done. */
export function pythonProjects(): (tasks: object[], files: Record<string, string>, job?: object) => TempProject {
  const made: TempProject[] = [];
  after(() => made.forEach((p) => p.remove()));
  return (tasks, files, job = {}) => {
    const p = tempProject({ jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks, ...job }] }, files);
    made.push(p);
    return p;
  };
}

/** A copy of examples/python in a temporary folder (its runs and caches stay out of the repository). */
export function pythonExample(): TempProject {
  const p = tempProject({ jobs: [] });
  fs.cpSync(PYTHON_EXAMPLE, p.root, { recursive: true, filter: (source) => !source.includes('__pycache__') && !source.includes('.fastasyncio') });
  after(() => p.remove());
  return p;
}
