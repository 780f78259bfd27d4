/**
 * `fastasyncio validate`, run as a child process (`node dist/cli.js`, built by `npm test`) on projects
 * in temporary folders.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Range } from '../../engine/config/types';
import { marked } from '../helpers/fixture';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const folders: string[] = [];

before(() => assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`));
after(() => folders.forEach((f) => fs.rmSync(f, { recursive: true, force: true })));

/** A project folder in the seed's layout; `files` maps paths relative to its root to contents. */
function tempProject(files: Record<string, string | Buffer>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fastasyncio-validate-')));
  folders.push(root);
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

function validate(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const MODULES = {
  'src/job/task/task1.ts': 'export class Task1 {}\n',
  'src/job/task/task2.ts': 'export class Task2 {}\n',
  'src/joborchrestrator/handler/job1_handler.ts': 'export class Job1Handler {}\n',
};

const CLEAN = `{
  "jobs": [
    {
      "name": "job1",
      "handler": "job1_handler.Job1Handler",
      "tasks": [
        { "name": "Task1" },
        { "name": "Task2", "dependencies": ["Task1"] }
      ]
    }
  ]
}
`;

/** Two errors and a warning, marked in the order they are reported. */
const BROKEN = marked(`{
  "jobs": [
    {
      "name": "job1",
      "handler": "job1_handler.Job1Handler",
      "tasks": [
        { "name": "Task1", "params": {}, ⟦"params"⟧: { "n": 1 } },
        { "name": "Task2", "dependencies": [⟦"Tsk1"⟧] },
        { "name": ⟦"Task3"⟧ }
      ]
    }
  ]
}
`);

const BROKEN_EXPECTED: { severity: string; code: string; message: string }[] = [
  { severity: 'warning', code: 'syntax', message: 'Duplicate key "params": only the last one counts' },
  { severity: 'error', code: 'unknown-dependency', message: 'Unknown dependency "Tsk1": job "job1" has no task with that name; did you mean "Task1"?' },
  { severity: 'error', code: 'missing-task', message: 'Task class "Task3" has no module: expected src/job/task/task3.ts' },
];

const textLine = (file: string, range: Range, e: { severity: string; code: string; message: string }) =>
  `${file}:${range.start.line + 1}:${range.start.character + 1} ${e.severity} [${e.code}] ${e.message}`;

/** A usage error: exit 2, nothing on stdout, one line on stderr and the usage line, no stack trace. */
function assertUsageError(result: ReturnType<typeof validate>, pattern: RegExp, usage = 'usage: fastasyncio validate [configs...] [--format text|json]') {
  assert.equal(result.code, 2, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  assert.deepEqual(lines.slice(1), usage ? [usage] : [], `one line and the usage line on stderr: ${JSON.stringify(result.stderr)}`);
  assert.match(lines[0], /^fastasyncio/);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
}

describe('fastasyncio validate', () => {
  test('a clean config: exit 0, "no problems" on stdout, nothing on stderr', () => {
    const root = tempProject({ 'configs/job_config.json': CLEAN, ...MODULES });
    const result = validate(['validate', 'configs/job_config.json'], root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'configs/job_config.json: no problems\n');
    assert.equal(result.stderr, '');
  });

  test('without arguments it validates configs/job_config.json', () => {
    const root = tempProject({ 'configs/job_config.json': BROKEN.text, ...MODULES });
    const result = validate(['validate'], root);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^configs\/job_config\.json:8:45 error \[unknown-dependency\]/m);
  });

  test('errors: exit 1 and one `path:line:col severity [code] message` line each, in order', () => {
    const root = tempProject({ 'configs/job_config.json': BROKEN.text, ...MODULES });
    const result = validate(['validate', 'configs/job_config.json'], root);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(
      result.stdout.trimEnd().split('\n'),
      BROKEN_EXPECTED.map((e, i) => textLine('configs/job_config.json', BROKEN.ranges[i], e)),
    );
    assert.equal(result.stderr, '');
  });

  test('paths are shown relative to the working folder', () => {
    const root = tempProject({ 'configs/job_config.json': BROKEN.text, ...MODULES });
    const result = validate(['validate', path.join(root, 'configs/job_config.json')], path.join(root, 'configs'));
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^job_config\.json:7:42 warning \[syntax\]/m);
  });

  test('module paths in messages are relative to the working folder too, not to the project root', () => {
    // The repository's own layout: configs/job_config.json keeps its project in examples/.
    const config = BROKEN.text.replace('"jobs"', '"root": "../examples",\n  "jobs"');
    const root = tempProject({ 'configs/job_config.json': config, ...Object.fromEntries(Object.entries(MODULES).map(([f, text]) => [`examples/${f}`, text])) });
    const fromRoot = validate(['validate'], root).stdout;
    assert.match(
      fromRoot,
      /^configs\/job_config\.json:\d+:\d+ error \[missing-task\] Task class "Task3" has no module: expected examples\/src\/job\/task\/task3\.ts$/m,
    );
    const inProject = validate(['validate', '../configs/job_config.json'], path.join(root, 'examples'));
    assert.ok(inProject.stdout.includes('has no module: expected src/job/task/task3.ts\n'), inProject.stdout);
    const fromConfigs = validate(['validate', 'job_config.json', '--format', 'json'], path.join(root, 'configs'));
    assert.ok(fromConfigs.stdout.includes('"Task class \\"Task3\\" has no module: expected ../examples/src/job/task/task3.ts"'), fromConfigs.stdout);
  });

  test('files that are not job configs (configs/*.json takes in schema.json) are skipped, with a line on stderr', () => {
    const root = tempProject({
      'configs/job_config.json': CLEAN,
      'configs/schema.json': '{ "$schema": "http://json-schema.org/draft-07/schema#", "type": "object" }',
      'configs/nightly.json': CLEAN,
      'configs/package.json': '{ "name": "x" }',
      ...MODULES,
    });
    const result = validate(['validate', 'configs/job_config.json', 'configs/nightly.json', 'configs/package.json', 'configs/schema.json'], root);
    assert.equal(result.code, 0, result.stdout);
    assert.equal(result.stdout, 'configs/job_config.json, configs/nightly.json: no problems\n');
    assert.equal(result.stderr, 'configs/package.json: skipped, not a job config (no "jobs")\nconfigs/schema.json: skipped, not a job config (no "jobs")\n');
    // A config named as one is checked whatever it holds; a file that is no config at all is a usage error.
    const named = tempProject({ 'configs/empty.job.json': '{}' });
    assert.match(validate(['validate', 'configs/empty.job.json'], named).stdout, /error \[schema\] A job config needs a "jobs" property/);
    assertUsageError(validate(['validate', 'configs/schema.json'], root), /configs\/schema\.json: not a job config/);
  });

  test('warnings alone: exit 0, and the warning is printed', () => {
    const root = tempProject({ 'configs/job_config.json': CLEAN.replace('{ "name": "Task1" }', '{ "name": "Task1", "name": "Task1" }'), ...MODULES });
    const result = validate(['validate'], root);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^configs\/job_config\.json:7:28 warning \[syntax\] Duplicate key "name"/);
    assert.equal(result.stdout.trimEnd().split('\n').length, 1);
  });

  test('--format json: an array of {file, range, severity, code, message}, 0-based ranges', () => {
    const root = tempProject({ 'configs/job_config.json': BROKEN.text, ...MODULES });
    const result = validate(['validate', '--format', 'json', 'configs/job_config.json'], root);
    assert.equal(result.code, 1);
    const problems = JSON.parse(result.stdout) as unknown[];
    assert.deepEqual(
      problems,
      BROKEN_EXPECTED.map((e, i) => ({ file: path.join(root, 'configs/job_config.json'), range: BROKEN.ranges[i], ...e })),
    );
    for (const p of problems) assert.deepEqual(Object.keys(p as object), ['file', 'range', 'severity', 'code', 'message']);
  });

  test('--format=json on a clean config prints [] and exits 0', () => {
    const root = tempProject({ 'configs/job_config.json': CLEAN, ...MODULES });
    const result = validate(['validate', '--format=json'], root);
    assert.equal(result.code, 0);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });

  test('several configs: the problems of each, exit 1 when any has errors', () => {
    const root = tempProject({ 'configs/job_config.json': CLEAN, 'configs/other.job.json': BROKEN.text, ...MODULES });
    let result = validate(['validate', 'configs/job_config.json', 'configs/other.job.json'], root);
    assert.equal(result.code, 1);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => l.startsWith('configs/other.job.json:')));
    result = validate(['validate', 'configs/job_config.json', 'configs/job_config.json'], root);
    assert.equal(result.code, 0);
  });

  test('bad input in a file: a syntax error, exit 1, no stack trace', () => {
    const root = tempProject({
      'configs/empty.json': '',
      'configs/array.json': '[]',
      'configs/deep.json': '['.repeat(100_000),
      'configs/binary.json': Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x80]),
    });
    for (const [file, code] of [
      ['configs/empty.json', 'syntax'],
      ['configs/array.json', 'schema'],
      ['configs/deep.json', 'syntax'],
      ['configs/binary.json', 'syntax'],
    ]) {
      const result = validate(['validate', file], root);
      assert.equal(result.code, 1, file);
      assert.match(result.stdout, new RegExp(`^${file.replace('.', '\\.')}:1:\\d+ error \\[${code}\\] `), file);
      assert.doesNotMatch(result.stdout + result.stderr, /^\s+at /m, file);
    }
  });

  test('a byte-order mark is fine; invalid UTF-8 is reported where it is', () => {
    const root = tempProject({
      'configs/bom.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CLEAN)]),
      'configs/latin1.json': Buffer.from(CLEAN.replace('"job1",', '"job1", "description": "caf\u00e9",'), 'latin1'),
      ...MODULES,
    });
    let result = validate(['validate', 'configs/bom.json'], root);
    assert.equal(result.code, 0, result.stdout);
    result = validate(['validate', 'configs/latin1.json'], root);
    assert.equal(result.code, 1);
    assert.equal(result.stdout.trim(), 'configs/latin1.json:4:42 error [syntax] The file is not valid UTF-8');
  });

  describe('usage errors: one line on stderr, exit 2', () => {
    test('an unknown --format', () => {
      const root = tempProject({ 'configs/job_config.json': CLEAN, ...MODULES });
      assertUsageError(validate(['validate', '--format', 'xml'], root), /--format must be text or json, got "xml"/);
    });

    test('--format without a value, and an unknown option, with "did you mean" when one is close', () => {
      const root = tempProject({ 'configs/job_config.json': CLEAN, ...MODULES });
      assertUsageError(validate(['validate', '--format'], root), /^fastasyncio validate: --format needs a value$/);
      assertUsageError(validate(['validate', '--strict'], root), /^fastasyncio validate: unknown option --strict$/);
      assertUsageError(validate(['validate', '--fromat=json'], root), /^fastasyncio validate: unknown option --fromat; did you mean --format\?$/);
      assertUsageError(validate(['validate', '-x'], root), /^fastasyncio validate: unknown option -x$/);
    });

    test('an unknown command: one line, with "did you mean"', () => {
      const root = tempProject({});
      assertUsageError(validate(['vaildate'], root), /unknown command "vaildate"; did you mean "validate"\?/, '');
    });

    test('--help prints the usage line', () => {
      const result = validate(['validate', '--help'], tempProject({}));
      assert.deepEqual(result, { code: 0, stdout: 'usage: fastasyncio validate [configs...] [--format text|json]\n', stderr: '' });
    });

    test('a file that does not exist, and a folder', () => {
      const root = tempProject({ 'configs/job_config.json': CLEAN });
      assertUsageError(validate(['validate', 'nope.json'], root), /cannot read nope\.json: no such file/);
      assertUsageError(validate(['validate', 'configs'], root), /cannot read configs: it is a folder/);
      // The default config, missing.
      assertUsageError(validate(['validate'], tempProject({})), /cannot read configs\/job_config\.json/);
    });

    test('an unreadable file among readable ones still fails the whole command', () => {
      const root = tempProject({ 'configs/job_config.json': CLEAN, ...MODULES });
      assertUsageError(validate(['validate', 'configs/job_config.json', 'missing.json'], root), /missing\.json/);
    });
  });
});
