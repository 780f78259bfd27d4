import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it, mock } from 'node:test';
import { WorkspaceFiles } from '../../server/files';
import { parseDocument, pathToUri } from '../../server/service';
import { type TempProject, tempProject } from '../helpers/project';
import { tsTask } from './helpers';

const projects: TempProject[] = [];
after(() => projects.forEach((p) => p.remove()));

const codes = (doc: ReturnType<typeof parseDocument>) => doc.analysis.problems.map((p) => p.code);

/** A project on disk and the server's view of it, whose caches only watched-file events would refresh. */
function setUp(tasks: string[], modules: string[]) {
  const config = { jobs: [{ name: 'job1', handler: 'GenericJobHandler', tasks: tasks.map((name) => ({ name })) }] };
  const project = tempProject(config, Object.fromEntries(modules.map((c) => [`src/job/task/${c.toLowerCase()}.ts`, tsTask(c)])));
  projects.push(project);
  const files = new WorkspaceFiles(() => undefined);
  files.setRoots([project.root]);
  const text = fs.readFileSync(project.configFile, 'utf8');
  const parse = (version: number) => parseDocument({ uri: pathToUri(project.configFile), file: project.configFile, version, text, files });
  return { project, files, parse };
}

describe('missing modules never go stale (a watcher that misses events)', () => {
  it('the next analysis of the config looks again where a module was missing', () => {
    const { project, files, parse } = setUp(['Task1', 'Task5'], ['Task1']);
    assert.deepEqual(codes(parse(1)), ['missing-task']);
    const generation = files.generation;
    project.write('src/job/task/task5.ts', tsTask('Task5'));
    // No watched-file event: without the re-check the cached folder listing would still lack task5.ts.
    assert.deepEqual(codes(parse(2)), []);
    assert.ok(files.generation > generation, 'analyses made before are stale');
    assert.deepEqual(files.recheck(project.configFile), [], 'nothing is missing any more: nothing to look at');
  });

  it('reports what appeared or went away, once', () => {
    const { project, files, parse } = setUp(['Task5'], []);
    parse(1);
    const file = project.write('src/job/task/task5.ts', tsTask('Task5'));
    assert.deepEqual(files.recheck(project.configFile), [{ file, created: true }]);
    assert.deepEqual(files.recheck(project.configFile), []);
  });

  it('costs one folder listing per analysis, however many of 10,000 tasks are missing', () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => `Task${i}`);
    const { parse } = setUp(tasks, ['Task0']);
    assert.equal(codes(parse(1)).length, 9_999);
    const readdir = mock.method(fs, 'readdirSync');
    try {
      parse(2);
      assert.equal(readdir.mock.callCount(), 1);
    } finally {
      readdir.mock.restore();
    }
  });
});
