/** The text of a new task or handler module, in the language its extension says. */

export type ModuleKind = 'task' | 'handler';

const BASE: Record<ModuleKind, { base: string; pythonModule: string }> = {
  task: { base: 'BaseTask', pythonModule: 'base_task' },
  handler: { base: 'GenericJobHandler', pythonModule: 'generic_job_handler' },
};

/**
 * `ext` picks the language (`.py`, `.ts`, `.js`, `.mjs`, `.cjs`); `siblings` are the folder's entries,
 * so a Python module imports the seed's base class from beside it when it is there.
 */
export function moduleTemplate(kind: ModuleKind, className: string, ext: string, siblings: readonly string[] = []): string {
  const { base, pythonModule } = BASE[kind];
  if (ext === '.py') {
    const from = siblings.includes(`${pythonModule}.py`) ? `.${pythonModule}` : 'fastasyncio';
    const body = kind === 'task' ? '    async def execute(self, input):\n        return {}\n' : '    pass\n';
    return `from ${from} import ${base}\n\n\nclass ${className}(${base}):\n${body}`;
  }
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
