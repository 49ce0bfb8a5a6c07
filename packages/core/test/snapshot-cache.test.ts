import assert from 'node:assert/strict';
import { mock } from 'node:test';
import t from 'tap';
import { buildSnapshot, SnapshotCache } from '../src/index.js';

// Fake timers and clock: the poll's schedule is checked in virtual time, so a loaded machine cannot shift it.
t.test('SnapshotCache while in use and idle', async (t) => {
  t.beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  t.afterEach(() => mock.timers.reset());

  const flush = async () => {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  /** Advances virtual time in 50 ms steps, letting the poll's promises settle between them. */
  const advance = async (ms: number, each?: () => void) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 50) {
      mock.timers.tick(50);
      each?.();
      await flush();
    }
  };

  function fixture() {
    const store = { revision: 1, revisionReads: 0, loads: 0 };
    const cache = new SnapshotCache(
      {
        revision: async () => {
          store.revisionReads += 1;
          return store.revision;
        },
        loadSnapshot: async () => {
          store.loads += 1;
          return buildSnapshot({ revision: store.revision, components: [], versions: [], channels: [], pins: [], customers: [], projects: [] });
        },
      },
      { pollIntervalMs: 1000, idlePollIntervalMs: 30_000, idleAfterMs: 10_000, fullReloadIntervalMs: 3_600_000 },
    );
    return { store, cache };
  }

  t.test('reads the revision every second while used, backs off to the idle interval, and reads once before the first use after', async () => {
    const { store, cache } = fixture();
    await cache.start();
    let busy = 0;
    await advance(20_000, () => {
      busy += 1;
      // Used all along: never makes the caller wait.
      assert.equal(cache.inUse(), undefined);
    });
    assert.ok(busy > 0);
    assert.ok(store.revisionReads >= 19 && store.revisionReads <= 20, `reads while in use: ${store.revisionReads}`);

    // Idle: 10 s at the active rate, then doubling waits up to 30 s.
    await advance(60_000);
    const settled = store.revisionReads;
    await advance(300_000);
    const idleReads = store.revisionReads - settled;
    assert.ok(idleReads >= 9 && idleReads <= 11, `reads in 300 idle seconds: ${idleReads}`);

    // A change made meanwhile is seen by the first use, before it routes, with one read shared by concurrent callers.
    store.revision = 2;
    const before = store.revisionReads;
    const first = cache.inUse();
    const second = cache.inUse();
    assert.ok(first instanceof Promise);
    assert.equal(second, first);
    await first;
    assert.equal(store.revisionReads, before + 1);
    assert.equal(cache.current().revision, 2);

    // And the poll is back at its active rate.
    const resumed = store.revisionReads;
    await advance(5_000, () => cache.inUse());
    assert.ok(store.revisionReads - resumed >= 4 && store.revisionReads - resumed <= 5, `reads after resuming: ${store.revisionReads - resumed}`);
    cache.stop();
  });

  t.test('a use soon after the last read, even when idle, reads nothing', async () => {
    const { store, cache } = fixture();
    await cache.start();
    // Idle long enough to back off, then used right after a poll.
    await advance(120_000);
    const reads = store.revisionReads;
    let waited: Promise<void> | undefined;
    await advance(40_000, () => {
      if (waited === undefined && store.revisionReads > reads) waited = cache.inUse() ?? Promise.resolve();
    });
    assert.ok(waited, 'a poll came while idle');
    const after = store.revisionReads;
    await waited;
    assert.equal(store.revisionReads, after);
    cache.stop();
  });

  t.test('a failed read before a use is reported and the snapshot in hand is kept', async () => {
    const errors: unknown[] = [];
    let fail = false;
    const cache = new SnapshotCache(
      {
        revision: async () => {
          if (fail) throw new Error('store down');
          return 1;
        },
        loadSnapshot: async () => buildSnapshot({ revision: 1, components: [], versions: [], channels: [], pins: [], customers: [], projects: [] }),
      },
      { pollIntervalMs: 1000, idlePollIntervalMs: 30_000, idleAfterMs: 1000, fullReloadIntervalMs: 3_600_000, onError: (error) => errors.push(error) },
    );
    await cache.start();
    await advance(60_000);
    fail = true;
    // The last read may be up to the idle interval old; wait until a use needs one.
    await advance(1_100);
    const check = cache.inUse();
    assert.ok(check instanceof Promise, 'idle and stale: reads first');
    await check;
    assert.equal(cache.current().revision, 1);
    assert.ok(errors.some((error) => error instanceof Error && error.message === 'store down'));
    cache.stop();
  });
});
