import assert from 'node:assert/strict';
import t from 'tap';
import { buildClaim, type DispatchRecord, replayOutcomeApplies, replayOutcomeUpdate, withReplayOutcome } from '../src/index.js';

const at = '2026-03-02T00:00:00.000Z';
const original: DispatchRecord = {
  ...buildClaim({
    source: '/ci',
    id: 'e-1',
    component: 'svc',
    route: { version: 'v1', channel: 'stable', pin: null, pinSource: 'default' },
    who: { customer: 'acme' },
    now: Date.parse('2026-03-01T00:00:00.000Z'),
    lease: { token: 't', ms: 1000 },
  }),
  status: 'failed',
  lastError: { code: 'HTTP_500', message: 'boom' },
};

t.test('a replay outcome becomes the event status', async (t) => {
  t.test('a successful replay makes the original succeeded, clears its error and names the replay', async () => {
    const update = replayOutcomeUpdate('r-1', { status: 'succeeded', attempts: 1 }, at);
    assert.deepEqual(update, { status: 'succeeded', updatedAt: at, lastReplayId: 'r-1', lastError: null });
    const after = withReplayOutcome(original, update);
    assert.equal(after.status, 'succeeded');
    assert.equal(after.lastError, undefined);
    assert.equal(after.lastReplayId, 'r-1');
    assert.equal(after.version, 'v1', 'the original keeps its own routing');
  });

  t.test('a failed replay carries its own error', async () => {
    const after = withReplayOutcome(original, replayOutcomeUpdate('r-2', { status: 'failed', attempts: 3, error: { code: 'TIMEOUT', message: 'slow' } }, at));
    assert.deepEqual([after.status, after.lastError], ['failed', { code: 'TIMEOUT', message: 'slow' }]);
  });

  t.test('leaves an original that is still in flight alone: its own dispatch will finish it', async () => {
    const pending: DispatchRecord = { ...original, status: 'pending' };
    assert.equal(replayOutcomeApplies(pending), false);
    assert.equal(withReplayOutcome(pending, replayOutcomeUpdate('r-3', { status: 'succeeded', attempts: 1 }, at)), pending);
    assert.equal(replayOutcomeApplies(original), true);
  });
});
