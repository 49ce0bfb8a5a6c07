import assert from 'node:assert/strict';
import t from 'tap';
import { assertReplayRules, isVrouterError, type ReplayRequest } from '../src/index.js';
import { snapshotWith } from './fixtures.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const retentionSeconds = 60 * 86_400;
const snapshot = snapshotWith({});
const iso = (ms: number) => new Date(ms).toISOString();
const request: ReplayRequest = {
  from: iso(now - DAY),
  to: iso(now),
  filter: { status: 'failed' },
  target: 'current',
  dryRun: false,
  ratePerSecond: 50,
  concurrency: 4,
};

function refusal(r: ReplayRequest, retention = retentionSeconds): [string, string | undefined] | undefined {
  try {
    assertReplayRules(r, snapshot, retention, now);
    return undefined;
  } catch (error) {
    if (!isVrouterError(error)) throw error;
    return [error.code, error.field];
  }
}

t.test('replay request rules', async (t) => {
  t.test('accepts a window within retention, to the current routing or a registered version of the filtered component', async () => {
    assert.equal(refusal(request), undefined);
    assert.equal(refusal({ ...request, filter: { status: 'all', component: 'svc' }, target: { version: 'v2' } }), undefined);
  });

  t.test('refuses a window that is reversed, longer than 31 days, or older than the log keeps', async () => {
    assert.deepEqual(refusal({ ...request, from: iso(now), to: iso(now - DAY) }), ['VR_VALIDATION', 'from']);
    assert.deepEqual(refusal({ ...request, from: iso(now - 32 * DAY) }), ['VR_VALIDATION', 'from']);
    assert.deepEqual(refusal(request, 3600), ['VR_VALIDATION', 'from']);
  });

  t.test('refuses an unknown component, an explicit version without a component, and an unknown version', async () => {
    assert.deepEqual(refusal({ ...request, filter: { status: 'failed', component: 'other' } }), ['VR_COMPONENT_UNKNOWN', 'filter.component']);
    assert.deepEqual(refusal({ ...request, target: { version: 'v2' } }), ['VR_VALIDATION', 'filter.component']);
    assert.deepEqual(refusal({ ...request, filter: { status: 'failed', component: 'svc' }, target: { version: 'v9' } }), ['VR_VERSION_UNKNOWN', 'target.version']);
  });
});
