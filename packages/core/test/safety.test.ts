import assert from 'node:assert/strict';
import t from 'tap';
import { assertComponentUnused, assertStableProven, assertVersionUnused, channelTarget, isVrouterError, versionUsage } from '../src/index.js';
import { snapshotWith } from './fixtures.js';

const now = Date.parse('2026-06-01T00:00:00Z');

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (!isVrouterError(error)) throw error;
    return error.code;
  }
}

t.test('a version in use', async (t) => {
  const snapshot = snapshotWith({
    channels: { stable: 'v1', beta: 'v2' },
    pins: [
      { scope: 'customer', subject: 'acme', version: 'v3' },
      { scope: 'customer', subject: 'old', version: 'v2', expiresAt: '2026-05-01T00:00:00Z' },
    ],
  });

  t.test('is used by the channels that point at it and the live pins to it, not by expired pins', async () => {
    assert.deepEqual(versionUsage(snapshot, 'svc', 'v2', now), { channels: ['beta'], pins: [] });
    assert.deepEqual(versionUsage(snapshot, 'svc', 'v3', now), { channels: [], pins: [{ scope: 'customer', subject: 'acme' }] });
  });

  t.test('cannot be deleted (VR_CONFLICT); an unused one can', async () => {
    assert.equal(
      code(() => assertVersionUnused(snapshot, 'svc', 'v1', now)),
      'VR_CONFLICT',
    );
    assert.equal(
      code(() => assertVersionUnused(snapshot, 'svc', 'v3', now)),
      'VR_CONFLICT',
    );
    assert.equal(
      code(() => assertVersionUnused(snapshotWith({ channels: { stable: 'v1' } }), 'svc', 'v2', now)),
      undefined,
    );
  });
});

t.test('a component in use', async (t) => {
  t.test('cannot be deleted while it has versions or pins, expired ones included (VR_CONFLICT)', async () => {
    assert.equal(
      code(() => assertComponentUnused(snapshotWith({}), 'svc')),
      'VR_CONFLICT',
    );
    const bare = snapshotWith({ versions: [], channels: {} });
    assert.equal(
      code(() => assertComponentUnused(bare, 'svc')),
      undefined,
    );
    const pinned = snapshotWith({ versions: [], channels: {}, pins: [{ scope: 'customer', subject: 'acme', channel: 'beta', expiresAt: '2026-01-01T00:00:00Z' }] });
    assert.equal(
      code(() => assertComponentUnused(pinned, 'svc')),
      'VR_CONFLICT',
    );
  });
});

t.test('stable is never served an unproven version', async (t) => {
  const snapshot = snapshotWith({ channels: { stable: 'v1', beta: 'v2', experimental: 'v3' }, served: ['v2'] });

  t.test('refuses a version that never served through beta or experimental (VR_SAFETY_CHECK), unless forced', async () => {
    assert.equal(
      code(() => assertStableProven(snapshot, 'svc', 'stable', 'v3', false)),
      'VR_SAFETY_CHECK',
    );
    assert.equal(
      code(() => assertStableProven(snapshot, 'svc', 'stable', 'v3', true)),
      undefined,
    );
  });

  t.test('allows a proven version, the current one, other channels, and an empty stable', async () => {
    assert.equal(
      code(() => assertStableProven(snapshot, 'svc', 'stable', 'v2', false)),
      undefined,
    );
    assert.equal(
      code(() => assertStableProven(snapshot, 'svc', 'stable', 'v1', false)),
      undefined,
    );
    assert.equal(
      code(() => assertStableProven(snapshot, 'svc', 'beta', 'v3', false)),
      undefined,
    );
    assert.equal(
      code(() => assertStableProven(snapshotWith({ channels: {} }), 'svc', 'stable', 'v3', false)),
      undefined,
    );
  });
});

t.test('a channel pointing nowhere', async (t) => {
  t.test('answers the version a channel points at, and VR_CHANNEL_EMPTY naming the field when it points at none', async () => {
    const routing = snapshotWith({ channels: { stable: 'v1' } }).components.get('svc')!;
    assert.equal(channelTarget(routing, 'stable', 'from'), 'v1');
    assert.throws(
      () => channelTarget(routing, 'beta', 'from', '; do something'),
      (error: unknown) => isVrouterError(error) && error.code === 'VR_CHANNEL_EMPTY' && error.field === 'from' && error.message.endsWith('; do something.'),
    );
  });
});
