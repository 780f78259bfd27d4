/**
 * The newcomer's path: the README's task recipe followed to the letter from the repository root, and
 * the package a user project installs (its declarations type-check task modules; `npm pack` ships them).
 * Needs `npm run build` (dist/cli.js, dist/runtime.js, dist/fastasyncio.d.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import ts from 'typescript';
import type { RunSummary } from '../../engine/run/events';
import { moduleTemplate } from '../../server/service/templates';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const folders: string[] = [];
after(() => folders.forEach((f) => fs.rmSync(f, { recursive: true, force: true })));

function tempFolder(): string {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-newcomer-')));
  folders.push(folder);
  return folder;
}

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What "Writing tasks and handlers" tells a newcomer to do: a file, a config entry, a command. */
function readmeRecipe() {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Writing tasks and handlers\n');
  assert.ok(start >= 0, 'the README has the section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const code = /```ts\n(\/\/ (\S+)\n[\s\S]*?)```/.exec(section);
  const entry = /```json\n(.*)\n```/.exec(section);
  const command = /`node dist\/cli\.js (run [^`]+)`/.exec(section);
  assert.ok(code && entry && command, 'a module with its path, a config entry and a command');
  return { file: code[2], module: code[1], entry: JSON.parse(entry[1]) as { name: string; params?: Record<string, unknown> }, args: command[1].split(' ') };
}

/** The repository's sample, as a newcomer has it: configs/ and examples/. */
function sampleCopy(): string {
  const root = tempFolder();
  fs.cpSync(path.join(ROOT, 'configs'), path.join(root, 'configs'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'examples/src'), path.join(root, 'examples/src'), { recursive: true });
  return root;
}

describe("the README's task recipe, followed to the letter from the repository root", () => {
  test('the file goes where missing-task says, and the job runs with it', () => {
    const recipe = readmeRecipe();
    const root = sampleCopy();
    const configFile = path.join(root, 'configs/job_config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { jobs: { name: string; tasks: { params?: Record<string, unknown> }[] }[] };
    const job = config.jobs.find((j) => j.name === recipe.args[1])!;
    for (const task of job.tasks) task.params = { ...task.params, seconds: 0.01 }; // the sample's tasks, quicker
    job.tasks.push(recipe.entry);
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));

    // Before the file exists, the message names it as the README does: relative to where we are.
    const before = cli(['validate'], root);
    assert.equal(before.code, 1);
    assert.match(
      before.stdout,
      new RegExp(`\\[missing-task\\] Task class "${recipe.entry.name}" has no module: expected ${recipe.file.replace(/\./g, '\\.')}$`, 'm'),
    );

    fs.mkdirSync(path.dirname(path.join(root, recipe.file)), { recursive: true });
    fs.writeFileSync(path.join(root, recipe.file), recipe.module);
    assert.deepEqual(cli(['validate'], root), { code: 0, stdout: 'configs/job_config.json: no problems\n', stderr: '' });
    const run = cli([...recipe.args, '--format', 'json'], root);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as RunSummary;
    assert.equal(summary.status, 'succeeded');
    assert.deepEqual(summary.results[recipe.entry.name], { n: 5 });
  });
});

describe('the package a user project installs', () => {
  /** A project with the package in node_modules as npm would put it there (its files that matter here). */
  function userProject(): string {
    const root = tempFolder();
    const pkg = path.join(root, 'node_modules/fastasyncio');
    for (const file of ['package.json', 'dist/fastasyncio.d.ts', 'dist/runtime.js']) {
      fs.mkdirSync(path.dirname(path.join(pkg, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(pkg, file));
    }
    fs.cpSync(path.join(ROOT, 'examples/src'), path.join(root, 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src/job/task/task5.ts'), readmeRecipe().module);
    // What the quick fix for a missing module creates.
    fs.writeFileSync(path.join(root, 'src/job/task/stub.ts'), moduleTemplate('task', 'Stub', '.ts'));
    fs.writeFileSync(path.join(root, 'src/joborchrestrator/handler/stub_handler.ts'), moduleTemplate('handler', 'StubHandler', '.ts'));
    return root;
  }

  // Parsed once for all the programs below (@types/node is most of the work).
  const parsed = new Map<string, ts.SourceFile | undefined>();

  /** The type errors of `files` and of the package's declarations in a Node project (@types/node). */
  function typeErrors(root: string, files: string[], options: ts.CompilerOptions): string[] {
    const compilerOptions: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      ...options,
    };
    const host = ts.createCompilerHost(compilerOptions);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language, ...rest) => {
      if (file.startsWith(root)) return read(file, language, ...rest);
      if (!parsed.has(file)) parsed.set(file, read(file, language, ...rest));
      return parsed.get(file);
    };
    const program = ts.createProgram(
      files.map((f) => path.join(root, f)),
      compilerOptions,
      host,
    );
    const checked = program.getSourceFiles().filter((f) => f.fileName.startsWith(root));
    assert.ok(
      checked.some((f) => f.fileName.endsWith('node_modules/fastasyncio/dist/fastasyncio.d.ts')),
      'the declarations are used',
    );
    return [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...checked.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ].map((d) => `${d.file ? path.relative(root, d.file.fileName) : ''} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }

  test("task and handler modules (the sample's, the README's, the quick fix's) type-check against the package's declarations, whatever the module resolution", () => {
    assert.match(fs.readFileSync(path.join(ROOT, 'dist/fastasyncio.d.ts'), 'utf8'), /export declare abstract class BaseTask/);
    const root = userProject();
    const modules = [
      'src/job/task/task1.ts',
      'src/job/task/task4.ts',
      'src/job/task/task5.ts',
      'src/job/task/stub.ts',
      'src/joborchrestrator/handler/job1_handler.ts',
      'src/joborchrestrator/handler/stub_handler.ts',
    ];
    const resolutions: [string, ts.CompilerOptions][] = [
      ['node16', { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }],
      ['bundler', { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }],
      ['node10', { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }],
    ];
    for (const [name, options] of resolutions) assert.deepEqual(typeErrors(root, modules, options), [], name);
    // The declarations are read, not guessed: what the runtime does not export is an error.
    fs.writeFileSync(
      path.join(root, 'src/job/task/wrong.ts'),
      "import { BaseTask, Nope } from 'fastasyncio';\nexport class Wrong extends BaseTask { execute() { return Nope; } }\n",
    );
    const errors = typeErrors(root, ['src/job/task/wrong.ts'], resolutions[0][1]);
    assert.deepEqual(errors, [`src/job/task/wrong.ts TS2305: Module '"fastasyncio"' has no exported member 'Nope'.`]);
  });

  test("require('fastasyncio') and import give the runtime", () => {
    const root = userProject();
    const script =
      "const f = require('fastasyncio'); import('fastasyncio').then((m) => console.log(Object.keys(f).join(), typeof m.BaseTask, typeof m.sleep));";
    const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(result.stdout.trim(), 'BaseTask,GenericJobHandler,sleep function function', result.stderr);
  });

  test('npm pack ships the CLI, the language server, the runtime, its declarations, the Python runner and the schema, and no sources', () => {
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const [{ files }] = JSON.parse(result.stdout) as [{ files: { path: string }[] }];
    assert.deepEqual(
      files.map((f) => f.path).sort(),
      [
        'LICENSE',
        'README.md',
        'configs/schema.json',
        'dist/cli.js',
        'dist/fastasyncio.d.ts',
        'dist/queue.js',
        'dist/runtime.js',
        'dist/server.js',
        'package.json',
        'python/fastasyncio_runner.py',
        ...fs
          .readdirSync(path.join(ROOT, 'python/fastasyncio'))
          .filter((f) => f.endsWith('.py'))
          .map((f) => `python/fastasyncio/${f}`),
      ].sort(),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      types: string;
      exports: Record<string, { types: string; default: string }>;
    };
    assert.equal(pkg.types, './dist/fastasyncio.d.ts');
    assert.deepEqual(pkg.exports['.'], { types: './dist/fastasyncio.d.ts', default: './dist/runtime.js' });
  });
});
