import * as path from 'node:path';
import { declaresClass, dominantExtension, handlerExtension, moduleIndex, resolveModule, taskModuleName } from '../config/modules';
import { BUILTIN_HANDLER, type ConfigModel } from '../config/types';
import type { ProjectFiles } from '../files';
import type { Finding } from './findings';
import { classNamePath, jobPath } from './paths';

/**
 * `missing-handler`, `missing-handler-class`, `missing-task` and `missing-task-class`. Sets `module` on
 * each task and `handlerModule` on each job it resolves: the only module paths the engine will load.
 */
export function checkModules(model: ConfigModel, files: ProjectFiles): Finding[] {
  const findings: Finding[] = [];
  const { taskDir, handlerDir, root } = model.layout;
  const shown = (file: string) => path.relative(root, file) || file;
  const texts = new Map<string, string | undefined>();
  const textOf = (file: string) => {
    let text = texts.get(file);
    if (text === undefined && !texts.has(file)) texts.set(file, (text = files.readFile(file)));
    return text;
  };
  const taskExt = dominantExtension(files, taskDir);
  const index = moduleIndex(files);

  for (const job of model.jobs) {
    if (job.handler && job.handler !== BUILTIN_HANDLER && job.handler.includes('.')) {
      const segments = job.handler.split('.');
      const className = segments.pop()!;
      const moduleName = segments.join('.');
      const at = { path: [...jobPath(job), 'handler'], part: 'inner' as const };
      const found = resolveModule(handlerDir, segments, files, handlerExtension(taskExt), index);
      if (found.kind === 'found') {
        const text = textOf(found.file);
        if (text !== undefined && declaresClass(text, className)) {
          job.handlerModule = found.file;
        } else {
          findings.push({
            code: 'missing-handler-class',
            severity: 'error',
            message: `${shown(found.file)} declares no class "${className}"`,
            at: { ...at, from: moduleName.length + 1, to: job.handler.length },
            data: { job: job.name, expectedFile: found.file, className },
          });
        }
      } else if (found.kind === 'missing') {
        const hint = found.caseMismatch
          ? `; found ${shown(found.caseMismatch)}: rename it to ${path.basename(found.expected, path.extname(found.expected))}${path.extname(found.caseMismatch)}`
          : '';
        findings.push({
          code: 'missing-handler',
          severity: 'error',
          message: `Handler module "${moduleName}" not found: expected ${shown(found.expected)}${hint}`,
          at: { ...at, from: 0, to: moduleName.length },
          data: { job: job.name, expectedFile: found.expected, className },
        });
      } else {
        findings.push({ code: 'missing-handler', severity: 'error', message: found.reason, at: { ...at, from: 0, to: job.handler.length } });
      }
    }

    // By index: `for…of` left an iterator result per task for the collector (200 KB a run at 10,000 tasks).
    for (let t = 0; t < job.tasks.length; t++) {
      const task = job.tasks[t];
      const file = index.taskModule(taskDir, task.className);
      if (file !== undefined) {
        // Entries with a "task" reuse classes, so their modules are read once; the others are read
        // directly: on a job of 10,000 tasks a cache keyed by path costs as much as the whole check.
        const text = task.className === task.id ? files.readFile(file) : textOf(file);
        if (text !== undefined && declaresClass(text, task.className)) {
          task.module = file;
          continue;
        }
      }
      // Only a task with a finding pays for the whole resolution, which says what is wrong.
      const found = resolveModule(taskDir, [taskModuleName(task.className)], files, taskExt, index);
      const at = { path: classNamePath(job, task), part: 'value' as const };
      if (found.kind === 'found') {
        findings.push({
          code: 'missing-task-class',
          severity: 'error',
          message: `${shown(found.file)} declares no class "${task.className}"`,
          at,
          data: { job: job.name, task: task.id, expectedFile: found.file, className: task.className },
        });
      } else if (found.kind === 'missing') {
        const expectedName = path.basename(found.expected);
        const hint = found.caseMismatch
          ? `; ${shown(found.caseMismatch)} differs only in case: rename it to ${path.basename(found.expected, path.extname(found.expected))}${path.extname(found.caseMismatch)} (module file names are all lower case)`
          : '';
        findings.push({
          code: 'missing-task',
          severity: 'error',
          message: `Task class "${task.className}" has no module: expected ${shown(path.join(path.dirname(found.expected), expectedName))}${hint}`,
          at,
          data: { job: job.name, task: task.id, expectedFile: found.expected, className: task.className },
        });
      } else {
        findings.push({ code: 'missing-task', severity: 'error', message: found.reason, at });
      }
    }
  }
  return findings;
}
