import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isRecord } from '../src/index.js';

it('isRecord: plain objects only', () => {
  assert.deepEqual(
    [{}, { a: 1 }, [], null, undefined, 'x', 1].map((value) => isRecord(value)),
    [true, true, false, false, false, false, false],
  );
});
