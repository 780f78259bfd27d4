import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { memoryFiles } from '../../engine/files';
import { classOffset, declaresClass, dominantExtension, moduleIndex, resolveModule } from '../../engine/config/modules';
import { analyzeMarked, assertProblems, defaultProject, HANDLER_DIR, job, project, TASK_DIR } from '../helpers/fixture';

const handlerJob = (handler: string) => `{"jobs": [{"name": "job1", "handler": ${handler}, "tasks": []}]}`;

describe('missing-handler', () => {
  test('no module file: on the module part of the handler, with the file it expects', () => {
    const { analysis, ranges } = analyzeMarked(handlerJob('"⟦job9_handler⟧.Job9Handler"'));
    assertProblems(analysis.problems, ranges, ['missing-handler']);
    const [p] = analysis.problems;
    assert.equal(p.message, 'Handler module "job9_handler" not found: expected src/joborchrestrator/handler/job9_handler.ts');
    assert.deepEqual(p.data, { job: 'job1', expectedFile: `${HANDLER_DIR}/job9_handler.ts`, className: 'Job9Handler' });
  });

  test('dotted modules are folders; the whole module path is underlined', () => {
    const files = project({ handlers: ['jobs.nightly.NightlyHandler'] });
    let r = analyzeMarked(handlerJob('"jobs.nightly.NightlyHandler"'), files);
    assert.deepEqual(r.analysis.problems, []);
    assert.equal(r.analysis.model?.jobs[0].handlerModule, `${HANDLER_DIR}/jobs/nightly.ts`);
    r = analyzeMarked(handlerJob('"⟦jobs.weekly⟧.WeeklyHandler"'), files);
    assertProblems(r.analysis.problems, r.ranges, ['missing-handler']);
    assert.match(r.analysis.problems[0].message, /expected src\/joborchrestrator\/handler\/jobs\/weekly\.ts/);
  });

  test('a module file differing only in case is still missing, with a rename hint', () => {
    const files = project({ files: { [`${HANDLER_DIR}/Job1_Handler.ts`]: 'export class Job1Handler {}' } });
    const { analysis, ranges } = analyzeMarked(handlerJob('"⟦job1_handler⟧.Job1Handler"'), files);
    assertProblems(analysis.problems, ranges, ['missing-handler']);
    assert.match(analysis.problems[0].message, /found src\/joborchrestrator\/handler\/Job1_Handler\.ts: rename it to job1_handler\.ts/);
  });

  test('GenericJobHandler needs no module', () => {
    const { analysis } = analyzeMarked(handlerJob('"GenericJobHandler"'), project());
    assert.deepEqual(analysis.problems, []);
    assert.equal(analysis.model?.jobs[0].handlerModule, undefined);
  });

  test('the corrected spelling src/joborchestrator/handler is accepted too', () => {
    const files = project({ files: { '/p/src/joborchestrator/handler/job1_handler.ts': 'export class Job1Handler {}' } });
    const { analysis } = analyzeMarked(handlerJob('"job1_handler.Job1Handler"'), files);
    assert.deepEqual(analysis.problems, []);
    assert.equal(analysis.model?.jobs[0].handlerModule, '/p/src/joborchestrator/handler/job1_handler.ts');
  });

  test('a handler pointing outside the folder: a schema error and a refusal, nothing resolved', () => {
    const files = project({ files: { '/p/evil.ts': 'export class X {}', '/etc/passwd.ts': 'export class X {}' } });
    for (const handler of ['../../evil.X', '/etc/passwd.X', '...evil.X']) {
      const { analysis, ranges } = analyzeMarked(handlerJob(`⟦"⟦${handler}⟧"⟧`), files);
      assertProblems(analysis.problems, ranges, ['schema', 'missing-handler']);
      assert.match(analysis.problems[1].message, /is not a module name made of identifiers/);
      assert.equal(analysis.model?.jobs[0].handlerModule, undefined);
    }
    // With an escape in the string, content and text offsets differ: the whole string is underlined.
    const { analysis, ranges } = analyzeMarked(handlerJob('⟦"..\\\\evil.X"⟧'), files);
    assertProblems(analysis.problems, [ranges[0], ranges[0]], ['schema', 'missing-handler']);
  });
});

describe('missing-handler-class', () => {
  test('the module exists but declares no such class: on the class part', () => {
    const { analysis, ranges } = analyzeMarked(handlerJob('"job1_handler.⟦Job2Handler⟧"'));
    assertProblems(analysis.problems, ranges, ['missing-handler-class']);
    assert.equal(analysis.problems[0].message, 'src/joborchrestrator/handler/job1_handler.ts declares no class "Job2Handler"');
    assert.deepEqual(analysis.problems[0].data, { job: 'job1', expectedFile: `${HANDLER_DIR}/job1_handler.ts`, className: 'Job2Handler' });
  });

  test('a class whose name only starts with the wanted one does not count', () => {
    const files = project({ files: { [`${HANDLER_DIR}/job1_handler.ts`]: 'export class Job1HandlerBase {}\n' } });
    const { analysis, ranges } = analyzeMarked(handlerJob('"job1_handler.⟦Job1Handler⟧"'), files);
    assertProblems(analysis.problems, ranges, ['missing-handler-class']);
  });

  test('a handler string with escapes: underlined as written', () => {
    const { analysis, ranges } = analyzeMarked(handlerJob('⟦"job1_handler.\\u004Aob2Handler"⟧'));
    assertProblems(analysis.problems, ranges, ['missing-handler-class']);
  });
});

describe('missing-task', () => {
  test('no module: on the task name, with the expected file', () => {
    const { analysis, ranges } = analyzeMarked(
      job('        { "name": "Task1" },\n        { "name": ⟦"Task9"⟧, "dependencies": ["Task1"] }'),
      defaultProject(['Task1']),
    );
    assertProblems(analysis.problems, ranges, ['missing-task']);
    const [p] = analysis.problems;
    assert.equal(p.message, 'Task class "Task9" has no module: expected src/job/task/task9.ts');
    assert.deepEqual(p.data, { job: 'job1', task: 'Task9', expectedFile: `${TASK_DIR}/task9.ts`, className: 'Task9' });
    assert.equal(analysis.model?.jobs[0].tasks[1].module, undefined);
    assert.equal(analysis.model?.jobs[0].tasks[0].module, `${TASK_DIR}/task1.ts`);
  });

  test('with "task", on the class name, not the id', () => {
    const { analysis, ranges } = analyzeMarked(job('        { "name": "Fetch1", "task": ⟦"FetchUrl"⟧ }'), defaultProject());
    assertProblems(analysis.problems, ranges, ['missing-task']);
    assert.deepEqual(analysis.problems[0].data, { job: 'job1', task: 'Fetch1', expectedFile: `${TASK_DIR}/fetchurl.ts`, className: 'FetchUrl' });
  });

  test('a module differing only in case (Task6.ts) is missing, with a hint to rename it', () => {
    const files = defaultProject([], { [`${TASK_DIR}/Task6.ts`]: 'export class Task6 {}' });
    const { analysis, ranges } = analyzeMarked(job('        { "name": ⟦"Task6"⟧ }'), files);
    assertProblems(analysis.problems, ranges, ['missing-task']);
    assert.equal(
      analysis.problems[0].message,
      'Task class "Task6" has no module: expected src/job/task/task6.ts; src/job/task/Task6.ts differs only in case: rename it to task6.ts (module file names are all lower case)',
    );
  });

  test('the rename hint keeps the found file’s extension', () => {
    const files = defaultProject([], { [`${TASK_DIR}/TASK6.js`]: 'class Task6 {}' });
    const { analysis } = analyzeMarked(job('        { "name": "Task6" }'), files);
    assert.match(analysis.problems[0].message, /TASK6\.js differs only in case: rename it to task6\.js/);
  });

  test('a file that is not a module (task6.txt) is no match, not even by case', () => {
    const files = defaultProject([], { [`${TASK_DIR}/task6.txt`]: 'class Task6 {}', [`${TASK_DIR}/Task6.json`]: '{}' });
    const { analysis, ranges } = analyzeMarked(job('        { "name": ⟦"Task6"⟧ }'), files);
    assertProblems(analysis.problems, ranges, ['missing-task']);
    assert.doesNotMatch(analysis.problems[0].message, /differs only in case/);
  });

  test('.js, .mjs and .cjs modules are found', () => {
    const files = defaultProject([], {
      [`${TASK_DIR}/a.js`]: 'exports.A = class A {}',
      [`${TASK_DIR}/b.mjs`]: 'export class B {}',
      [`${TASK_DIR}/c.cjs`]: 'module.exports.C = class C {}',
    });
    const { analysis } = analyzeMarked(job('        { "name": "A" }, { "name": "B" }, { "name": "C" }'), files);
    assert.deepEqual(analysis.problems, []);
    assert.deepEqual(
      analysis.model?.jobs[0].tasks.map((t) => t.module),
      [`${TASK_DIR}/a.js`, `${TASK_DIR}/b.mjs`, `${TASK_DIR}/c.cjs`],
    );
  });

  test('the seed’s Python tasks validate, and a missing one is expected as .py', () => {
    const files = project({
      files: {
        [`${TASK_DIR}/__init__.py`]: '',
        [`${TASK_DIR}/base_task.py`]: 'class BaseTask:\n    pass\n',
        [`${TASK_DIR}/task1.py`]: 'from .base_task import BaseTask\n\n\nclass Task1(BaseTask):\n    async def execute(self, inputs):\n        return 1\n',
        [`${TASK_DIR}/task2.py`]: 'class Task2(BaseTask):\n    pass\n',
        [`${TASK_DIR}/task3.ts`]: 'export class Task3 {}',
        '/p/src/joborchrestrator/handler/job1_handler.py': 'class Job1Handler(GenericJobHandler):\n    pass\n',
      },
    });
    const { analysis, ranges } = analyzeMarked(
      job('        { "name": "Task1" },\n        { "name": "Task2", "dependencies": ["Task1"] },\n        { "name": ⟦"Task9"⟧ }'),
      files,
    );
    assertProblems(analysis.problems, ranges, ['missing-task']);
    assert.match(analysis.problems[0].message, /expected src\/job\/task\/task9\.py$/);
    assert.equal(analysis.model?.jobs[0].tasks[0].module, `${TASK_DIR}/task1.py`);
    assert.equal(analysis.model?.jobs[0].handlerModule, `${HANDLER_DIR}/job1_handler.py`);
  });

  test('a task name that escapes the schema cannot reach outside the task folder', () => {
    const files = defaultProject([], { '/p/src/job/evil.ts': 'export class evil {}' });
    const { analysis, ranges } = analyzeMarked(job('        { "name": "Task1", "task": ⟦"../evil"⟧ }'), files);
    // The schema error and the refusal share the range; the refusal names the reason.
    assertProblems(analysis.problems, [ranges[0], ranges[0]], ['schema', 'missing-task']);
    assert.match(analysis.problems[1].message, /not a module name made of identifiers/);
    assert.equal(analysis.model?.jobs[0].tasks[0].module, undefined);
  });
});

describe('missing-task-class', () => {
  test('the module exists but declares no class of that name: on the class name', () => {
    const files = defaultProject([], { [`${TASK_DIR}/task1.ts`]: 'export class Task10 {}\nexport const Task1 = 1;\n' });
    const { analysis, ranges } = analyzeMarked(job('        { "name": ⟦"Task1"⟧ }'), files);
    assertProblems(analysis.problems, ranges, ['missing-task-class']);
    assert.equal(analysis.problems[0].message, 'src/job/task/task1.ts declares no class "Task1"');
    assert.deepEqual(analysis.problems[0].data, { job: 'job1', task: 'Task1', expectedFile: `${TASK_DIR}/task1.ts`, className: 'Task1' });
  });

  test('with "task": on the "task" value', () => {
    const files = defaultProject([], { [`${TASK_DIR}/fetchurl.ts`]: 'export class Fetch {}' });
    const { analysis, ranges } = analyzeMarked(job('        { "name": "Fetch1", "task": ⟦"FetchUrl"⟧ }'), files);
    assertProblems(analysis.problems, ranges, ['missing-task-class']);
  });

  test('a class of another case does not count', () => {
    const files = defaultProject([], { [`${TASK_DIR}/task1.py`]: 'class TASK1(BaseTask):\n    pass\n' });
    const { analysis, ranges } = analyzeMarked(job('        { "name": ⟦"Task1"⟧ }'), files);
    assertProblems(analysis.problems, ranges, ['missing-task-class']);
  });
});

describe('resolveModule refuses anything outside its folder', () => {
  const files = memoryFiles({
    '/p/h/a.ts': '',
    '/p/h/sub/b.js': '',
    '/p/h/C.py': '',
    '/p/evil.ts': '',
    '/etc/passwd.ts': '',
  });

  test('plain identifiers resolve inside the folder', () => {
    assert.deepEqual(resolveModule('/p/h', ['a'], files), { kind: 'found', file: '/p/h/a.ts' });
    assert.deepEqual(resolveModule('/p/h/', ['sub', 'b'], files), { kind: 'found', file: '/p/h/sub/b.js' });
    assert.deepEqual(resolveModule('/p/h', ['zz'], files, '.py'), { kind: 'missing', expected: '/p/h/zz.py', caseMismatch: undefined });
    assert.deepEqual(resolveModule('/p/h', ['c'], files), { kind: 'missing', expected: '/p/h/c.ts', caseMismatch: '/p/h/C.py' });
  });

  test('".." segments, slashes, absolute paths and empty names are refused, even though the files exist', () => {
    const attempts: string[][] = [
      ['..', 'evil'],
      ['..'],
      ['.', 'a'],
      ['../evil'],
      ['sub', '..', '..', 'evil'],
      ['/etc/passwd'],
      ['..', '..', 'etc', 'passwd'],
      ['a/../../evil'],
      ['..\\evil'],
      ['C:\\evil'],
      [''],
      [],
      ['a\u0000'],
      ['a b'],
      ['%2e%2e'],
    ];
    for (const segments of attempts) {
      const result = resolveModule('/p/h', segments, files);
      assert.equal(result.kind, 'invalid', JSON.stringify(segments));
    }
  });

  test('one index serves many lookups with the same answers', () => {
    const index = moduleIndex(files);
    for (const segments of [['a'], ['sub', 'b'], ['c'], ['missing'], ['..', 'evil']]) {
      assert.deepEqual(resolveModule('/p/h', segments, files, '.ts', index), resolveModule('/p/h', segments, files));
    }
  });

  test('the dominant extension of a task folder ignores __init__ and base_task', () => {
    const py = memoryFiles({ '/t/__init__.py': '', '/t/base_task.py': '', '/t/a.py': '', '/t/b.py': '', '/t/c.ts': '' });
    assert.equal(dominantExtension(py, '/t'), '.py');
    const ts = memoryFiles({ '/t/__init__.py': '', '/t/base_task.py': '', '/t/a.ts': '' });
    assert.equal(dominantExtension(ts, '/t'), '.ts');
    assert.equal(dominantExtension(memoryFiles({}), '/t'), '.ts');
  });
});

describe('declaresClass and classOffset', () => {
  test('TypeScript, JavaScript and Python declarations', () => {
    for (const text of [
      'export class Task1 extends BaseTask {}',
      'export default class Task1 {}',
      'class Task1<T> {}',
      'exports.Task1 = class Task1 {}',
      'class Task1(BaseTask):\n    pass',
      'class Task1:\n    pass',
      'x;\nclass\tTask1{}',
      'abstract class Task1 {}',
    ]) {
      assert.ok(declaresClass(text, 'Task1'), text);
    }
  });

  test('near misses are not declarations', () => {
    for (const text of [
      'class Task10 {}',
      'class MyTask1 {}',
      'subclass Task1 {}',
      'foo.class Task1',
      'const Task1 = 1',
      'classTask1 {}',
      'class Task1$ {}',
      'class task1 {}',
      '',
    ]) {
      assert.ok(!declaresClass(text, 'Task1'), text);
    }
  });

  test('classOffset is where `class` starts, on the first declaration', () => {
    const text = '// Task1: the first task\nclass Task10 {}\nexport class  Task1 {}\nclass Task1 {}';
    assert.equal(classOffset(text, 'Task1'), text.indexOf('class  Task1'));
    assert.equal(classOffset('class Other {}', 'Task1'), undefined);
  });

  test('names with $ and regular-expression characters are taken literally', () => {
    assert.ok(declaresClass('class $Task {}', '$Task'));
    assert.ok(!declaresClass('class XTask {}', '.Task'));
  });
});
