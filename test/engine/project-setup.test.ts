import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ts from 'typescript';
import { setUpProject, TYPES_FILE } from '../../engine/project/setup';
import { moduleTemplate } from '../../server/service/templates';

const ROOT = path.resolve(__dirname, '../..');
const DECLARATIONS = path.join(ROOT, 'dist/fastasyncio.d.ts');
let temp: string;
let declarations: string;

before(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-setup-'));
  // The build writes dist/fastasyncio.d.ts; without a build, a small stand-in does for the file edits.
  declarations = fs.existsSync(DECLARATIONS) ? DECLARATIONS : path.join(temp, 'fastasyncio.d.ts');
  if (declarations !== DECLARATIONS) fs.writeFileSync(declarations, 'export declare abstract class BaseTask {}\n');
});
after(() => fs.rmSync(temp, { recursive: true, force: true }));

let count = 0;
function project(files: Record<string, string> = {}): string {
  const root = path.join(temp, `p${++count}`);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  fs.mkdirSync(root, { recursive: true });
  return root;
}

const read = (root: string, name: string): string => fs.readFileSync(path.join(root, name), 'utf8');
const actions = (result: ReturnType<typeof setUpProject>): string[] => [result.declarations.action, result.tsconfig.action, result.gitignore.action];

describe('setUpProject', () => {
  test('a project without tsconfig.json or .gitignore gets both, and the declarations', () => {
    const root = project();
    const result = setUpProject(root, declarations);
    assert.deepEqual(actions(result), ['created', 'created', 'created']);
    assert.equal(read(root, TYPES_FILE), fs.readFileSync(declarations, 'utf8'));
    const tsconfig = JSON.parse(read(root, 'tsconfig.json')) as { compilerOptions: Record<string, unknown>; include: string[] };
    assert.deepEqual(tsconfig.compilerOptions.paths, { fastasyncio: ['./.fastasyncio/types/fastasyncio.d.ts'] });
    assert.equal(tsconfig.compilerOptions.strict, true);
    assert.equal(tsconfig.compilerOptions.target, 'ES2022');
    assert.equal(tsconfig.compilerOptions.module, 'commonjs');
    assert.deepEqual(tsconfig.include, ['./src/job/task', './src/joborchrestrator/handler']);
    assert.equal(read(root, '.gitignore'), '.fastasyncio/\n');
  });

  test('a new tsconfig includes the folders it is given', () => {
    const root = project();
    setUpProject(root, declarations, { folders: [path.join(root, 'tasks'), path.join(root, 'handlers'), path.join(root, 'tasks')] });
    assert.deepEqual((JSON.parse(read(root, 'tsconfig.json')) as { include: string[] }).include, ['./tasks', './handlers']);
  });

  test('a tsconfig with comments and other paths keeps them', () => {
    const text = [
      '{',
      '    // the project',
      '    "compilerOptions": {',
      '        "strict": true, /* yes */',
      '        "paths": {',
      '            "@lib/*": ["./lib/*"], // aliases',
      '        },',
      '    },',
      '}',
      '',
    ].join('\n');
    const root = project({ 'tsconfig.json': text, '.gitignore': 'node_modules/' });
    const result = setUpProject(root, declarations);
    assert.deepEqual(actions(result), ['created', 'updated', 'updated']);
    const updated = read(root, 'tsconfig.json');
    assert.equal(updated, text.replace('            "@lib/*"', '            "fastasyncio": ["./.fastasyncio/types/fastasyncio.d.ts"],\n            "@lib/*"'));
    const parsed = ts.parseConfigFileTextToJson('tsconfig.json', updated).config as { compilerOptions: { paths: Record<string, string[]> } };
    assert.deepEqual(parsed.compilerOptions.paths, { '@lib/*': ['./lib/*'], fastasyncio: ['./.fastasyncio/types/fastasyncio.d.ts'] });
    assert.equal(read(root, '.gitignore'), 'node_modules/\n.fastasyncio/\n');
  });

  test('missing compilerOptions or paths are added before the first member, nothing else moves', () => {
    const noPaths = project({ 'tsconfig.json': '{\n\t"compilerOptions": {\n\t\t"lib": ["ES2022"]\n\t}\n}\n' });
    setUpProject(noPaths, declarations);
    assert.equal(
      read(noPaths, 'tsconfig.json'),
      '{\n\t"compilerOptions": {\n\t\t"paths": { "fastasyncio": ["./.fastasyncio/types/fastasyncio.d.ts"] },\n\t\t"lib": ["ES2022"]\n\t}\n}\n',
    );
    const noOptions = project({ 'tsconfig.json': '{ "include": ["src"] }' });
    setUpProject(noOptions, declarations);
    assert.equal(
      read(noOptions, 'tsconfig.json'),
      '{ "compilerOptions": { "paths": { "fastasyncio": ["./.fastasyncio/types/fastasyncio.d.ts"] } }, "include": ["src"] }',
    );
    const empty = project({ 'tsconfig.json': '{}' });
    setUpProject(empty, declarations);
    assert.deepEqual(JSON.parse(read(empty, 'tsconfig.json')), { compilerOptions: { paths: { fastasyncio: ['./.fastasyncio/types/fastasyncio.d.ts'] } } });
    const notObject = project({ 'tsconfig.json': '{ "compilerOptions": { "paths": [] } }' });
    assert.deepEqual(setUpProject(notObject, declarations).tsconfig, {
      file: path.join(notObject, 'tsconfig.json'),
      action: 'skipped',
      reason: 'compilerOptions.paths is not an object',
    });
  });

  test('paths are made relative to baseUrl', () => {
    const root = project({ 'tsconfig.json': '{ "compilerOptions": { "baseUrl": "src" } }' });
    setUpProject(root, declarations);
    const parsed = JSON.parse(read(root, 'tsconfig.json')) as { compilerOptions: { paths: Record<string, string[]> } };
    assert.deepEqual(parsed.compilerOptions.paths, { fastasyncio: ['../.fastasyncio/types/fastasyncio.d.ts'] });
  });

  test('a project already set up is left as it is', () => {
    const root = project();
    setUpProject(root, declarations);
    const before = ['tsconfig.json', '.gitignore', TYPES_FILE].map((f) => read(root, f));
    assert.deepEqual(actions(setUpProject(root, declarations)), ['unchanged', 'unchanged', 'unchanged']);
    assert.deepEqual(
      ['tsconfig.json', '.gitignore', TYPES_FILE].map((f) => read(root, f)),
      before,
    );
  });

  test('newer declarations replace older ones', () => {
    const root = project({ [TYPES_FILE]: '// old\n' });
    assert.equal(setUpProject(root, declarations).declarations.action, 'updated');
    assert.equal(read(root, TYPES_FILE), fs.readFileSync(declarations, 'utf8'));
  });

  test('a tsconfig that does not parse is reported and left untouched; the rest is done', () => {
    const text = '{ "compilerOptions": { "strict": true,, }\n';
    const root = project({ 'tsconfig.json': text });
    const result = setUpProject(root, declarations);
    assert.equal(result.tsconfig.action, 'skipped');
    assert.match(result.tsconfig.reason ?? '', /not parseable \(\w+ at line 1\)/);
    assert.equal(read(root, 'tsconfig.json'), text);
    assert.equal(result.declarations.action, 'created');
    assert.equal(result.gitignore.action, 'created');
  });

  test('a tsconfig that extends another and has no paths of its own is left alone: a new "paths" would replace the inherited one', () => {
    const text = '{ "extends": "./tsconfig.base.json", "compilerOptions": { "strict": true } }\n';
    const root = project({ 'tsconfig.json': text, 'tsconfig.base.json': '{ "compilerOptions": { "paths": { "@lib/*": ["./lib/*"] } } }\n' });
    const result = setUpProject(root, declarations);
    assert.equal(result.tsconfig.action, 'skipped');
    assert.match(result.tsconfig.reason ?? '', /extends another tsconfig/);
    assert.equal(read(root, 'tsconfig.json'), text);
    assert.equal(result.declarations.action, 'created');
  });

  test('a mapping of fastasyncio to a file that exists is kept; a broken one is replaced', () => {
    const kept = project({ 'tsconfig.json': '{"compilerOptions":{"paths":{"fastasyncio":["./types/mine.d.ts"]}}}', 'types/mine.d.ts': '' });
    const result = setUpProject(kept, declarations);
    assert.equal(result.tsconfig.action, 'skipped');
    assert.match(result.tsconfig.reason ?? '', /already maps fastasyncio to \.\/types\/mine\.d\.ts/);
    const broken = project({ 'tsconfig.json': '{"compilerOptions":{"paths":{"fastasyncio":["./gone.d.ts"]}}}' });
    assert.equal(setUpProject(broken, declarations).tsconfig.action, 'updated');
    assert.equal(read(broken, 'tsconfig.json'), '{"compilerOptions":{"paths":{"fastasyncio":["./.fastasyncio/types/fastasyncio.d.ts"]}}}');
  });

  for (const line of ['.fastasyncio', '.fastasyncio/', '/.fastasyncio/', '**/.fastasyncio', '  .fastasyncio/  ', '.fastasyncio/**']) {
    test(`a .gitignore with ${JSON.stringify(line)} is left alone`, () => {
      const root = project({ '.gitignore': `dist/\n${line}\n` });
      assert.equal(setUpProject(root, declarations).gitignore.action, 'unchanged');
      assert.equal(read(root, '.gitignore'), `dist/\n${line}\n`);
    });
  }

  test('a .gitignore with CRLF line ends and no last line end gets the line in its style', () => {
    const root = project({ '.gitignore': 'dist/\r\n# .fastasyncio/\r\n.fastasyncio-old' });
    assert.equal(setUpProject(root, declarations).gitignore.action, 'updated');
    assert.equal(read(root, '.gitignore'), 'dist/\r\n# .fastasyncio/\r\n.fastasyncio-old\r\n.fastasyncio/\r\n');
  });

  test('a file it cannot read or write is reported, not thrown', () => {
    const root = project({ '.gitignore/x': '' });
    const result = setUpProject(root, declarations);
    assert.equal(result.gitignore.action, 'skipped');
    assert.match(result.gitignore.reason ?? '', /EISDIR/);
    assert.equal(result.tsconfig.action, 'created');
  });
});

describe('a set-up project type-checks', { skip: fs.existsSync(DECLARATIONS) ? false : 'needs npm run build (dist/fastasyncio.d.ts)' }, () => {
  function diagnostics(root: string): string[] {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      path.join(root, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    );
    assert.ok(parsed);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }

  const stub = moduleTemplate('task', 'Fetch', '.ts');
  const task = [
    "import { BaseTask, type TaskContext } from 'fastasyncio';",
    '',
    'export class Sum extends BaseTask {',
    '  async execute(input: Record<string, unknown>, ctx: TaskContext): Promise<number> {',
    '    ctx.log(`attempt ${ctx.attempt} of ${ctx.task}`);',
    '    return Object.keys(input).length;',
    '  }',
    '}',
    '',
  ].join('\n');

  test('before set-up, the import does not resolve (ts 2307)', () => {
    const root = project({ 'tsconfig.json': '{ "compilerOptions": { "strict": true, "noEmit": true } }', 'src/job/task/Sum.ts': task });
    assert.ok(diagnostics(root).some((m) => m.includes("Cannot find module 'fastasyncio'")));
  });

  test('a new tsconfig: a task module and the quick fix stub have no diagnostics', () => {
    const root = project({ 'src/job/task/Sum.ts': task, 'src/job/task/Fetch.ts': stub });
    setUpProject(root, declarations);
    assert.deepEqual(diagnostics(root), []);
  });

  test("the user's own tsconfig, with comments: no diagnostics", () => {
    const root = project({
      'tsconfig.json': '{\n  // mine\n  "compilerOptions": { "strict": true, "noEmit": true, "target": "ES2022" },\n  "include": ["src"]\n}\n',
      'src/job/task/Sum.ts': task,
    });
    setUpProject(root, declarations);
    assert.deepEqual(diagnostics(root), []);
  });
});
