import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range, TextEdit } from 'vscode-languageserver-types';
import { memoryFiles, type ProjectFiles } from '../../engine/files';
import { parseDocument, type ParsedDocument, pathToUri } from '../../server/service';

/** The in-memory project every fixture lives in: the seed's layout under /project. */
export const ROOT = '/project';
export const CONFIG = '/project/configs/job_config.json';
export const CONFIG_URI = pathToUri(CONFIG);
export const TASK_DIR = '/project/src/job/task';
export const HANDLER_DIR = '/project/src/joborchrestrator/handler';

export const tsTask = (name: string) => `import { BaseTask } from 'fastasyncio';\n\nexport class ${name} extends BaseTask {}\n`;
export const tsHandler = (name: string) => `import { GenericJobHandler } from 'fastasyncio';\n\nexport class ${name} extends GenericJobHandler {}\n`;

/** Task modules for the given classes plus the seed's handler; `extra` maps paths relative to /project to texts. */
export function project(classes: string[] = ['Task1', 'Task2', 'Task3', 'Task4'], extra: Record<string, string> = {}): ProjectFiles {
  const files: Record<string, string> = { [path.join(HANDLER_DIR, 'job1_handler.ts')]: tsHandler('Job1Handler') };
  for (const c of classes) files[path.join(TASK_DIR, `${c.toLowerCase()}.ts`)] = tsTask(c);
  for (const [file, text] of Object.entries(extra)) files[path.join(ROOT, file)] = text;
  return withFolders(memoryFiles(files), Object.keys(files));
}

/** A seed task module: `class Task1(BaseTask):` importing the seed's base class from beside it. */
export const pyTask = (name: string, body = '    async def execute(self, input_data=None):\n        return {}\n') =>
  `from .base_task import BaseTask\n\n\nclass ${name}(BaseTask):\n${body}`;

/** The seed's Python project: base_task.py and task modules, the seed's generic handler and Job1Handler; `extra` as for `project`. */
export function pythonProject(classes: string[] = ['Task1', 'Task2'], extra: Record<string, string> = {}): ProjectFiles {
  const files: Record<string, string> = {
    [path.join(TASK_DIR, 'base_task.py')]: 'class BaseTask:\n    async def execute(self, input_data=None):\n        raise NotImplementedError\n',
    [path.join(HANDLER_DIR, 'generic_job_handler.py')]: 'class GenericJobHandler:\n    pass\n',
    [path.join(HANDLER_DIR, 'job1_handler.py')]:
      'import logging\n\nfrom .generic_job_handler import GenericJobHandler\n\n\nclass Job1Handler(GenericJobHandler):\n    async def run(self, ctx=None):\n        return await super().run(ctx)\n',
  };
  for (const c of classes) files[path.join(TASK_DIR, `${c.toLowerCase()}.py`)] = pyTask(c);
  for (const [file, text] of Object.entries(extra)) files[path.join(ROOT, file)] = text;
  return withFolders(memoryFiles(files), Object.keys(files));
}

/** `memoryFiles` lists only files; a folder on disk also lists its sub-folders, as here. */
function withFolders(view: ProjectFiles, files: string[]): ProjectFiles {
  const folders = new Map<string, Set<string>>();
  for (const file of files) {
    for (let dir = path.dirname(file); dir !== '/'; dir = path.dirname(dir)) {
      const parent = path.dirname(dir);
      if (!folders.has(parent)) folders.set(parent, new Set());
      folders.get(parent)!.add(path.basename(dir));
    }
  }
  return {
    readDir: (dir) => {
      const entries = [...(view.readDir(dir) ?? []), ...(folders.get(dir) ?? [])];
      return entries.length > 0 ? entries : undefined;
    },
    readFile: (file) => view.readFile(file),
  };
}

/** A fixture: the text with the cursor marked by `|` (the first one), as text, offset and position. */
export function cursor(marked: string): { text: string; offset: number; position: Position } {
  const offset = marked.indexOf('|');
  if (offset === -1) throw new Error('fixture has no | cursor');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const lines = text.slice(0, offset).split('\n');
  return { text, offset, position: { line: lines.length - 1, character: lines[lines.length - 1].length } };
}

export function parse(text: string, files: ProjectFiles = project(), version = 1): ParsedDocument {
  return parseDocument({ uri: CONFIG_URI, file: CONFIG, version, text, files });
}

/** Parses a fixture with a `|` cursor. */
export function at(marked: string, files: ProjectFiles = project()): { doc: ParsedDocument; position: Position; offset: number } {
  const { text, offset, position } = cursor(marked);
  return { doc: parse(text, files), position, offset };
}

/** A config with one job `job1` whose tasks are given as JSON fragments. */
export function config(...tasks: string[]): string {
  return `{\n  "jobs": [\n    {\n      "name": "job1",\n      "handler": "job1_handler.Job1Handler",\n      "tasks": [\n        ${tasks.join(',\n        ')}\n      ]\n    }\n  ]\n}\n`;
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'json', 1, text), edits);
}

/** The text a range covers. */
export function textAt(text: string, range: Range): string {
  const doc = TextDocument.create('file:///x', 'json', 1, text);
  return text.slice(doc.offsetAt(range.start), doc.offsetAt(range.end));
}
