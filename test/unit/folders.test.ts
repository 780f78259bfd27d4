import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { isInside } from '../../engine/config/folders';

test('isInside: the folder itself and what is under it, not its neighbours or what lies above', () => {
  const dir = path.resolve('/project/src');
  assert.equal(isInside(dir, dir), true);
  assert.equal(isInside(path.join(dir, 'task1.ts'), dir), true);
  assert.equal(isInside(path.join(dir, 'a', 'b.ts'), dir), true);
  // A name that starts with two dots is a name inside, not the way out.
  assert.equal(isInside(path.join(dir, '..task.ts'), dir), true);
  assert.equal(isInside(path.join(dir, 'a', '..', '..', 'x.ts'), dir), false);
  assert.equal(isInside(path.resolve('/project/src2/x.ts'), dir), false);
  assert.equal(isInside(path.resolve('/project'), dir), false);
  assert.equal(isInside(path.resolve('/elsewhere/x.ts'), dir), false);
});
