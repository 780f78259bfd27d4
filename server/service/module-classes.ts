import * as path from 'node:path';
import { MODULE_EXTENSIONS, taskModuleName } from '../../engine/config/modules';
import type { ProjectFiles } from '../../engine/files';

const CLASS = /(?:^|[^A-Za-z0-9_$.])class\s+([A-Za-z_][A-Za-z0-9_]*)/gm;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** How deep handler modules are looked for (`a.b.module.Class`). */
const MAX_HANDLER_DEPTH = 3;

export interface ModuleClass {
  /** The module's dotted path under its folder, without extension (`job1_handler`, `billing.nightly`). */
  module: string;
  className: string;
  file: string;
}

/** The classes a module's text declares (TypeScript, JavaScript or Python). */
export function declaredClasses(text: string): string[] {
  return [...text.matchAll(CLASS)].map((m) => m[1]);
}

function moduleBase(entry: string): string | undefined {
  const ext = MODULE_EXTENSIONS.find((e) => entry.endsWith(e));
  const base = ext && entry.slice(0, -ext.length);
  return base && IDENTIFIER.test(base) && !base.startsWith('__') ? base : undefined;
}

/** Task classes of the task folder: those declared in the module the engine would load for them. */
export function taskClasses(files: ProjectFiles, taskDir: string): ModuleClass[] {
  const found: ModuleClass[] = [];
  for (const entry of files.readDir(taskDir) ?? []) {
    const base = moduleBase(entry);
    const file = path.join(taskDir, entry);
    if (!base) continue;
    for (const className of declaredClasses(files.readFile(file) ?? '')) {
      if (taskModuleName(className) === base) found.push({ module: base, className, file });
    }
  }
  return found;
}

/** Handler classes as `module.Class`, modules in sub-folders as `folder.module.Class`. */
export function handlerClasses(files: ProjectFiles, handlerDir: string, prefix: string[] = []): ModuleClass[] {
  const found: ModuleClass[] = [];
  const dir = path.join(handlerDir, ...prefix);
  for (const entry of files.readDir(dir) ?? []) {
    const base = moduleBase(entry);
    if (base) {
      const file = path.join(dir, entry);
      for (const className of declaredClasses(files.readFile(file) ?? '')) found.push({ module: [...prefix, base].join('.'), className, file });
    } else if (IDENTIFIER.test(entry) && !entry.startsWith('__') && prefix.length + 1 < MAX_HANDLER_DEPTH) {
      found.push(...handlerClasses(files, handlerDir, [...prefix, entry]));
    }
  }
  return found;
}
