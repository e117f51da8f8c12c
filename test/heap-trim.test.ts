import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectGarbage, shouldTrim } from '../src/server/heap-trim.js';

const MB = 1024 * 1024;

test('a quiet server whose heap is far over what is live is trimmed; a busy one, or one without slack, is not', () => {
  assert.ok(shouldTrim(0.01, 168 * MB, 42 * MB));
  assert.not.ok(shouldTrim(0.5, 168 * MB, 42 * MB), 'busy');
  assert.not.ok(shouldTrim(0.01, 80 * MB, 42 * MB), 'under twice what is live');
  assert.not.ok(shouldTrim(0.01, 40 * MB, 12 * MB), 'less than 32 MB to give back');
});

test('a full collection gives back the garbage a burst left behind (no --expose-gc needed)', async () => {
  let junk: unknown[] | null = [];
  for (let i = 0; i < 300_000; i++) junk.push({ i, s: `garbage ${i}` });
  const before = process.memoryUsage().heapUsed;
  junk = null;
  assert.ok(await collectGarbage(), 'the inspector answered');
  const after = process.memoryUsage().heapUsed;
  assert.ok(after < before - 10 * MB, `heap used ${Math.round(before / MB)} MB -> ${Math.round(after / MB)} MB`);
});

test.run();
