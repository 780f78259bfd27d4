/** The text of a new task or handler module, in the language its extension says. */

export type ModuleKind = 'task' | 'handler';

const BASE: Record<ModuleKind, string> = { task: 'BaseTask', handler: 'GenericJobHandler' };

/**
 * A Python module in the seed's style. A task imports the seed's `BaseTask` from beside it when
 * `base_task.py` is there, else the engine's; a handler always imports the engine's `GenericJobHandler`
 * (a sibling generic_job_handler.py is the seed's own scheduler, which the engine does not run) and, as
 * the seed's Job1Handler does, logs its class name before the generic run.
 */
function pythonTemplate(kind: ModuleKind, className: string, siblings: readonly string[]): string {
  if (kind === 'task') {
    const from = siblings.includes('base_task.py') ? '.base_task' : 'fastasyncio';
    return [
      `from ${from} import BaseTask`,
      '',
      '',
      `class ${className}(BaseTask):`,
      '    async def execute(self, input_data=None):',
      "        # input_data holds the dependencies' results by task name.",
      '        return {}',
      '',
    ].join('\n');
  }
  return [
    'import logging',
    '',
    'from fastasyncio import GenericJobHandler',
    '',
    '',
    `class ${className}(GenericJobHandler):`,
    '    async def run(self, ctx=None):',
    '        logging.info("Running %s", type(self).__name__)',
    '        return await super().run(ctx)',
    '',
  ].join('\n');
}

/**
 * `ext` picks the language (`.py`, `.ts`, `.js`, `.mjs`, `.cjs`); `siblings` are the folder's entries,
 * so a Python task imports the seed's base class from beside it when it is there.
 */
export function moduleTemplate(kind: ModuleKind, className: string, ext: string, siblings: readonly string[] = []): string {
  if (ext === '.py') return pythonTemplate(kind, className, siblings);
  const base = BASE[kind];
  const typed = ext === '.ts';
  const body =
    kind === 'task'
      ? [
          typed ? '  async execute(input: Record<string, unknown>, ctx: TaskContext): Promise<unknown> {' : '  async execute(input, ctx) {',
          "    // `input` holds the results of the dependencies by task id; `ctx.params` the task's params.",
          '    return {};',
          '  }',
        ].join('\n') + '\n'
      : '';
  const imports = typed && kind === 'task' ? `${base}, type TaskContext` : base;
  const declaration = body ? `class ${className} extends ${base} {\n${body}}\n` : `class ${className} extends ${base} {}\n`;
  if (ext === '.cjs') return `const { ${base} } = require('fastasyncio');\n\n${declaration}\nmodule.exports = { ${className} };\n`;
  return `import { ${imports} } from 'fastasyncio';\n\nexport ${declaration}`;
}
