import assert from 'node:assert/strict';
import t from 'tap';
import { isRecord } from '../src/index.js';

t.test('isRecord: plain objects only', async () => {
  assert.deepEqual(
    [{}, { a: 1 }, [], null, undefined, 'x', 1].map((value) => isRecord(value)),
    [true, true, false, false, false, false, false],
  );
});
