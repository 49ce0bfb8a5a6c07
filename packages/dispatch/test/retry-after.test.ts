import assert from 'node:assert/strict';
import t from 'tap';
import { parseRetryAfter } from '../src/index.js';

t.test('parseRetryAfter', async (t) => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  t.test('reads delay-seconds', async () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
  });

  t.test('reads an HTTP-date, never giving a negative delay', async () => {
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
  });

  t.test('ignores what is absent or malformed', async () => {
    for (const value of [null, undefined, '', '-5', '1.5', 'soon', '1e3']) assert.equal(parseRetryAfter(value, now), undefined, String(value));
  });
});
