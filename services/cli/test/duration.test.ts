import assert from 'node:assert/strict';
import t from 'tap';
import { parseDuration, parseExpiry, parseSince } from '../src/commands/duration.js';
import { UsageError } from '../src/commands/errors.js';

const now = new Date('2026-03-01T12:00:00.000Z');

t.test('parseDuration', async (t) => {
  const cases: [string, number][] = [
    ['30s', 30_000],
    ['30m', 30 * 60_000],
    ['2h', 2 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['1w', 7 * 86_400_000],
    ['1h30m', 90 * 60_000],
    [' 2h ', 2 * 3_600_000],
  ];
  for (const [text, ms] of cases) t.test(`${JSON.stringify(text)} is ${ms} ms`, async () => assert.equal(parseDuration(text), ms));

  for (const text of ['', '2', 'h', '2x', '-2h', '2.5h', '2 h', 'two hours', '0m', '0h0m', '2H'])
    t.test(`rejects ${JSON.stringify(text)} with a UsageError`, async () => assert.throws(() => parseDuration(text), UsageError));
});

t.test('parseExpiry', async (t) => {
  t.test('adds a duration to now and answers RFC 3339 in UTC', async () => {
    assert.equal(parseExpiry('2h', now), '2026-03-01T14:00:00.000Z');
    assert.equal(parseExpiry('7d', now), '2026-03-08T12:00:00.000Z');
    assert.equal(parseExpiry('30m', now), '2026-03-01T12:30:00.000Z');
  });

  t.test('accepts an RFC 3339 time with any offset, normalised to UTC', async () => {
    assert.equal(parseExpiry('2026-03-02T00:00:00Z', now), '2026-03-02T00:00:00.000Z');
    assert.equal(parseExpiry('2026-03-02T01:30:00+01:00', now), '2026-03-02T00:30:00.000Z');
    assert.equal(parseExpiry('2026-03-02T00:00:00.250Z', now), '2026-03-02T00:00:00.250Z');
  });

  t.test('refuses a time that is not after now', async () => {
    assert.throws(() => parseExpiry('2026-03-01T12:00:00Z', now), /in the past/);
    assert.throws(() => parseExpiry('2025-01-01T00:00:00Z', now), UsageError);
  });

  for (const text of ['tomorrow', '2026-03-02', '2026-03-02 00:00:00Z', '2026-03-02T00:00:00', '2026-13-45T00:00:00Z', '1700000000'])
    t.test(`rejects ${JSON.stringify(text)}`, async () => assert.throws(() => parseExpiry(text, now), UsageError));
});

t.test('parseSince', async (t) => {
  t.test('subtracts a duration from now', async () => {
    assert.equal(parseSince('15m', now), '2026-03-01T11:45:00.000Z');
    assert.equal(parseSince('1d', now), '2026-02-28T12:00:00.000Z');
  });

  t.test('passes an RFC 3339 time through, in UTC', async () => assert.equal(parseSince('2026-02-01T00:00:00-05:00', now), '2026-02-01T05:00:00.000Z'));

  t.test('rejects anything else', async () => assert.throws(() => parseSince('yesterday', now), UsageError));
});
