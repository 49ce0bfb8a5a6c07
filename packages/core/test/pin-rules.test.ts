import assert from 'node:assert/strict';
import t from 'tap';
import { isVrouterError, type PinRequest, pinExpiry, pinFor } from '../src/index.js';
import { snapshotWith } from './fixtures.js';

const now = Date.parse('2026-06-01T00:00:00Z');
const policy = { experimentalPinTtlMs: 24 * 3_600_000 };
const snapshot = snapshotWith({ channels: { stable: 'v1', experimental: 'v3' } });
const request: PinRequest = { scope: 'customer', subject: 'acme', component: 'svc', force: false };

function refusal(fn: () => unknown): [string, string | undefined] | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!isVrouterError(error)) throw error;
    return [error.code, error.field];
  }
}

t.test('pin validation', async (t) => {
  t.test('pins to a version or a channel, stamped now', async () => {
    assert.deepEqual(pinFor(snapshot, { ...request, version: 'v2', reason: 'hotfix' }, policy, now), {
      scope: 'customer',
      subject: 'acme',
      component: 'svc',
      version: 'v2',
      createdAt: '2026-06-01T00:00:00.000Z',
      reason: 'hotfix',
    });
    assert.equal(pinFor(snapshot, { ...request, channel: 'stable' }, policy, now).channel, 'stable');
  });

  t.test('refuses an unknown component, both or neither target, and an unknown version', async () => {
    assert.deepEqual(
      refusal(() => pinFor(snapshot, { ...request, component: 'other', version: 'v1' }, policy, now)),
      ['VR_COMPONENT_UNKNOWN', 'component'],
    );
    assert.deepEqual(
      refusal(() => pinFor(snapshot, { ...request, channel: 'stable', version: 'v1' }, policy, now)),
      ['VR_VALIDATION', 'channel'],
    );
    assert.deepEqual(
      refusal(() => pinFor(snapshot, request, policy, now)),
      ['VR_VALIDATION', 'channel'],
    );
    assert.deepEqual(
      refusal(() => pinFor(snapshot, { ...request, version: 'v9' }, policy, now)),
      ['VR_PIN_VERSION_UNKNOWN', 'version'],
    );
  });

  t.test('refuses a channel that points nowhere unless forced', async () => {
    assert.deepEqual(
      refusal(() => pinFor(snapshot, { ...request, channel: 'beta' }, policy, now)),
      ['VR_CHANNEL_EMPTY', 'channel'],
    );
    assert.equal(pinFor(snapshot, { ...request, channel: 'beta', force: true, reason: 'ahead of the release' }, policy, now).channel, 'beta');
  });

  t.test('refuses an expiry in the past', async () => {
    assert.deepEqual(
      refusal(() => pinFor(snapshot, { ...request, version: 'v1', expiresAt: '2026-05-31T00:00:00Z' }, policy, now)),
      ['VR_VALIDATION', 'expiresAt'],
    );
  });
});

t.test('the experimental-pin default expiry', async (t) => {
  t.test('ends a pin to experimental after the policy TTL when no expiry is given', async () => {
    assert.equal(pinExpiry({ channel: 'experimental' }, undefined, policy, now), '2026-06-02T00:00:00.000Z');
    assert.equal(pinFor(snapshot, { ...request, channel: 'experimental' }, policy, now).expiresAt, '2026-06-02T00:00:00.000Z');
  });

  t.test('keeps an explicit expiry, and gives other pins none', async () => {
    assert.equal(pinExpiry({ channel: 'experimental' }, '2026-06-10T00:00:00Z', policy, now), '2026-06-10T00:00:00Z');
    assert.equal(pinExpiry({ channel: 'stable' }, undefined, policy, now), undefined);
    assert.equal(pinExpiry({ version: 'v3' }, undefined, policy, now), undefined);
  });
});
