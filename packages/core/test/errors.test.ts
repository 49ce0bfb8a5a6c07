import assert from 'node:assert/strict';
import t from 'tap';
import { backoffDelay, ERROR_CODES, idempotencyKey, ValidationError, VrouterError } from '../src/index.js';

t.test('errors', async (t) => {
  t.test('every code is VR_-prefixed and described', async () => {
    for (const [code, message] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^VR_[A-Z_]+$/);
      assert.ok(message.length > 10);
    }
  });

  t.test('carries code and field', async () => {
    const error = new ValidationError('channel', 'bad');
    assert.ok(error instanceof VrouterError);
    assert.equal(error.code, 'VR_VALIDATION');
    assert.equal(error.field, 'channel');
  });
});

t.test('idempotencyKey', async (t) => {
  t.test('is stable, 64 hex characters, and separates its parts unambiguously', async () => {
    const key = idempotencyKey('/ci', 'e-1', 'builder');
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(key, idempotencyKey('/ci', 'e-1', 'builder'));
    assert.notEqual(idempotencyKey('a', 'bc', 'x'), idempotencyKey('ab', 'c', 'x'));
    assert.notEqual(key, idempotencyKey('/ci', 'e-1', 'builder', 'replay-1'));
  });
});

t.test('backoffDelay', async (t) => {
  const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  t.test('doubles the ceiling per attempt and caps it', async () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy, a, 0, () => 0.999999)),
      [99, 199, 399, 799, 999, 999],
    );
  });
  t.test('is jittered from zero', async () =>
    assert.equal(
      backoffDelay(policy, 3, 0, () => 0),
      0,
    ),
  );
  t.test('honours Retry-After, within the cap', async () => {
    assert.equal(
      backoffDelay(policy, 1, 500, () => 0),
      500,
    );
    assert.equal(
      backoffDelay(policy, 1, 5000, () => 0),
      1000,
    );
  });
});

t.test('SnapshotCache.ensureFresh', async (t) => {
  t.test('asks the store only when the last look is older than the limit', async () => {
    const { SnapshotCache, EMPTY_SNAPSHOT } = await import('../src/index.js');
    let revisions = 0;
    const cache = new SnapshotCache({
      revision: async () => {
        revisions += 1;
        return 0;
      },
      loadSnapshot: async () => EMPTY_SNAPSHOT,
    });
    await cache.reload();
    await cache.ensureFresh(60_000);
    assert.equal(revisions, 0, 'fresh: no request');
    await cache.ensureFresh(-1);
    assert.equal(revisions, 1, 'stale: one revision read');
  });
});

t.test('SnapshotCache.reload', async (t) => {
  t.test('resolves with a load that began after the call, even while another load runs', async () => {
    const { SnapshotCache, buildSnapshot } = await import('../src/index.js');
    let revision = 1;
    let loads = 0;
    const gates: (() => void)[] = [];
    const cache = new SnapshotCache({
      revision: async () => revision,
      loadSnapshot: async () => {
        loads += 1;
        const seen = revision;
        await new Promise<void>((resolve) => gates.push(resolve));
        return buildSnapshot({ revision: seen, components: [], versions: [], channels: [], pins: [], customers: [], projects: [] });
      },
    });
    const first = cache.reload(); // started before the write below
    revision = 2; // a write lands
    const second = cache.reload();
    const third = cache.reload();
    assert.equal(second, third, 'callers arriving meanwhile share one queued load');
    gates.shift()!();
    assert.equal((await first).revision, 1);
    await new Promise((resolve) => setImmediate(resolve));
    gates.shift()!();
    assert.equal((await second).revision, 2, 'sees the write');
    assert.equal(loads, 2);
  });
});
