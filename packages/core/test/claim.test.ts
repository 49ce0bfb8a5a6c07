import assert from 'node:assert/strict';
import t from 'tap';
import { buildClaim, idempotencyKey, LEASE_MARGIN_MS, leaseDuration } from '../src/index.js';

const now = Date.parse('2026-03-01T12:00:00.000Z');
const route = { version: 'v2', channel: 'beta' as const, pin: { scope: 'customer' as const, subject: 'acme' }, pinSource: 'customer' as const };
const base = { source: '/ci', id: 'e-1', component: 'svc', who: { customer: 'acme', plan: 'pro' }, now, lease: { token: 'tok', ms: 30_000 } };

t.test('leaseDuration', async (t) => {
  t.test('is the base lease, or one whole call plus the margin to record its outcome when that is longer', async () => {
    assert.equal(leaseDuration(30_000, 10_000), 30_000);
    assert.equal(leaseDuration(30_000, 60_000), 60_000 + LEASE_MARGIN_MS);
    assert.equal(leaseDuration(1000, 0), LEASE_MARGIN_MS);
  });
});

t.test('buildClaim', async (t) => {
  t.test('claims a routed primary dispatch: pending, leased, with who the event is for', async () => {
    const record = buildClaim({ ...base, route });
    assert.deepEqual(record, {
      source: '/ci',
      id: 'e-1',
      component: 'svc',
      idempotencyKey: idempotencyKey('/ci', 'e-1', 'svc'),
      status: 'pending',
      version: 'v2',
      channel: 'beta',
      pin: { scope: 'customer', subject: 'acme' },
      pinSource: 'customer',
      attempts: 0,
      claimedAt: '2026-03-01T12:00:00.000Z',
      updatedAt: '2026-03-01T12:00:00.000Z',
      receivedAt: '2026-03-01T12:00:00.000Z',
      customer: 'acme',
      plan: 'pro',
      leaseUntil: '2026-03-01T12:00:30.000Z',
      claimToken: 'tok',
      handedOffAttempt: 1,
    });
  });

  t.test('records an unroutable dispatch as failed at once, with the reason and no lease', async () => {
    const record = buildClaim({ ...base, route: { unroutable: 'stable channel points at no version' } });
    assert.equal(record.status, 'failed');
    assert.equal(record.version, null);
    assert.deepEqual(record.lastError, { code: 'VR_NO_ROUTABLE_VERSION', message: 'stable channel points at no version' });
    assert.equal(record.leaseUntil, undefined);
    assert.equal(record.claimToken, undefined);
  });

  t.test('gives a shadow its own idempotency key and marks it, so it never collides with the primary', async () => {
    const record = buildClaim({ ...base, purpose: { kind: 'shadow' }, route: { version: 'v3', channel: null, pin: null, pinSource: null } });
    assert.equal(record.shadow, true);
    assert.equal(record.replayId, undefined);
    assert.equal(record.idempotencyKey, idempotencyKey('/ci', 'e-1', 'svc', 'shadow'));
    assert.notEqual(record.idempotencyKey, buildClaim({ ...base, route }).idempotencyKey);
  });

  t.test('scopes a replay to its job and keeps when the event arrived', async () => {
    const record = buildClaim({ ...base, purpose: { kind: 'replay', replayId: 'r-9' }, route, receivedAt: '2026-02-01T00:00:00.000Z' });
    assert.equal(record.replayId, 'r-9');
    assert.equal(record.idempotencyKey, idempotencyKey('/ci', 'e-1', 'svc', 'r-9'));
    assert.equal(record.receivedAt, '2026-02-01T00:00:00.000Z');
    assert.equal(record.claimedAt, '2026-03-01T12:00:00.000Z');
  });
});
