import assert from 'node:assert/strict';
import t from 'tap';
import { applyReplayOutcome, type DispatchRecord, dispatchHistory, MAX_DISPATCH_HISTORY, originalRoute } from '../src/index.js';

const original: DispatchRecord = {
  source: '/s',
  id: 'e1',
  component: 'svc',
  idempotencyKey: 'k',
  status: 'failed',
  version: 'v2',
  channel: 'beta',
  pin: { scope: 'customer', subject: 'globex' },
  pinSource: 'customer',
  attempts: 5,
  claimedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000Z',
  lastError: { code: 'FunctionError:Error', message: 'v2 broke' },
  response: '{"errorType":"Error"}',
};

const replay = (replayId: string, version: string, status: 'succeeded' | 'failed', at: string): DispatchRecord => ({
  ...original,
  replayId,
  idempotencyKey: `k-${replayId}`,
  version,
  channel: null,
  pin: null,
  pinSource: null,
  status,
  attempts: 1,
  updatedAt: at,
  lastError: status === 'failed' ? { code: 'E', message: 'again' } : undefined,
  response: status === 'succeeded' ? '{"ok":true}' : undefined,
});

t.test('a replay outcome becomes the latest outcome of its original', async (t) => {
  t.test('a record without stored history has its own outcome as history; a pending one none', async () => {
    assert.deepEqual(dispatchHistory(original), [{ version: 'v2', status: 'failed', attempts: 5, at: original.updatedAt, error: original.lastError }]);
    assert.deepEqual(dispatchHistory({ ...original, status: 'pending' }), []);
  });

  t.test("takes the replay's version, status, attempts, error and answer, and keeps the original first in the history", async () => {
    const fields = applyReplayOutcome(original, replay('rp1', 'v3', 'succeeded', '2026-01-01T01:00:00.000Z'))!;
    assert.equal(fields.version, 'v3');
    assert.equal(fields.status, 'succeeded');
    assert.equal(fields.attempts, 1);
    assert.equal(fields.lastError, undefined);
    assert.equal(fields.response, '{"ok":true}');
    assert.equal(fields.lastReplayId, 'rp1');
    assert.deepEqual(
      fields.history!.map((h) => [h.version, h.status, h.replayId]),
      [
        ['v2', 'failed', undefined],
        ['v3', 'succeeded', 'rp1'],
      ],
    );
  });

  t.test('leaves an original in flight alone, and records one replay once', async () => {
    assert.equal(applyReplayOutcome({ ...original, status: 'pending' }, replay('rp1', 'v3', 'succeeded', '2026-01-01T01:00:00.000Z')), undefined);
    const once = applyReplayOutcome(original, replay('rp1', 'v3', 'succeeded', '2026-01-01T01:00:00.000Z'))!;
    const twice = applyReplayOutcome({ ...original, ...once }, replay('rp1', 'v3', 'succeeded', '2026-01-01T01:00:00.000Z'))!;
    assert.equal(twice.history!.length, 2);
  });

  t.test('keeps the original and the latest replays when the history is full', async () => {
    let record: DispatchRecord = original;
    for (let i = 0; i < MAX_DISPATCH_HISTORY + 5; i++) {
      record = { ...record, ...applyReplayOutcome(record, replay(`rp${i}`, 'v3', 'failed', new Date(Date.UTC(2026, 0, 2, 0, i)).toISOString()))! };
    }
    const history = dispatchHistory(record);
    assert.equal(history.length, MAX_DISPATCH_HISTORY);
    assert.equal(history[0]!.replayId, undefined, 'the original attempt is kept');
    assert.equal(history.at(-1)!.replayId, `rp${MAX_DISPATCH_HISTORY + 4}`);
  });
});

t.test('replay target original: the first dispatch, however replays moved the record', async (t) => {
  t.test('a record no replay has taken over keeps its whole route', async () => {
    assert.deepEqual(originalRoute(original), { version: 'v2', channel: 'beta', pin: { scope: 'customer', subject: 'globex' }, pinSource: 'customer' });
  });

  t.test('after a replay onto another version, the first entry names the version', async () => {
    const replayed = { ...original, ...applyReplayOutcome(original, replay('rp1', 'v4', 'succeeded', '2026-01-01T01:00:00.000Z'))! };
    assert.equal(replayed.version, 'v4');
    assert.deepEqual(originalRoute(replayed), { version: 'v2', channel: null, pin: null, pinSource: null });
  });

  t.test('a record routed nowhere has no original route', async () => {
    assert.equal(originalRoute({ ...original, version: null, channel: null, pin: null, pinSource: null }), undefined);
  });
});
