import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

describe('a version in use', () => {
  const snapshot = snapshotWith({
    channels: { stable: 'v1', beta: 'v2' },
    pins: [
      { scope: 'customer', subject: 'acme', version: 'v3' },
      { scope: 'customer', subject: 'old', version: 'v2', expiresAt: '2026-05-01T00:00:00Z' },
    ],
  });

  it('is used by the channels that point at it and the live pins to it, not by expired pins', () => {
    assert.deepEqual(versionUsage(snapshot, 'svc', 'v2', now), { channels: ['beta'], pins: [] });
    assert.deepEqual(versionUsage(snapshot, 'svc', 'v3', now), { channels: [], pins: [{ scope: 'customer', subject: 'acme' }] });
  });

  it('cannot be deleted (VR_CONFLICT); an unused one can', () => {
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

describe('a component in use', () => {
  it('cannot be deleted while it has versions or pins, expired ones included (VR_CONFLICT)', () => {
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

describe('stable is never served an unproven version', () => {
  const snapshot = snapshotWith({ channels: { stable: 'v1', beta: 'v2', experimental: 'v3' }, served: ['v2'] });

  it('refuses a version that never served through beta or experimental (VR_SAFETY_CHECK), unless forced', () => {
    assert.equal(
      code(() => assertStableProven(snapshot, 'svc', 'stable', 'v3', false)),
      'VR_SAFETY_CHECK',
    );
    assert.equal(
      code(() => assertStableProven(snapshot, 'svc', 'stable', 'v3', true)),
      undefined,
    );
  });

  it('allows a proven version, the current one, other channels, and an empty stable', () => {
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

describe('a channel pointing nowhere', () => {
  it('answers the version a channel points at, and VR_CHANNEL_EMPTY naming the field when it points at none', () => {
    const routing = snapshotWith({ channels: { stable: 'v1' } }).components.get('svc')!;
    assert.equal(channelTarget(routing, 'stable', 'from'), 'v1');
    assert.throws(
      () => channelTarget(routing, 'beta', 'from', '; do something'),
      (error: unknown) => isVrouterError(error) && error.code === 'VR_CHANNEL_EMPTY' && error.field === 'from' && error.message.endsWith('; do something.'),
    );
  });
});
