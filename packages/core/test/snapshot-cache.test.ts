import assert from 'node:assert/strict';
import t from 'tap';
import { type ConfigChanges, type ConfigRecord, type ConfigRef, type Pin, resolveVersion, type RoutingSnapshot, SnapshotBuilder, SnapshotCache } from '../src/index.js';

const at = '2026-01-01T00:00:00.000Z';

/** A store in memory with a change log, whose full loads can be held at a gate: what SnapshotCache needs of one. */
class MemoryStore {
  private readonly records = new Map<string, { ref: ConfigRef; record?: ConfigRecord }>();
  private readonly log: string[][] = [];
  private rev = 0;
  gate: Promise<void> | undefined;
  fullLoads = 0;

  write(ref: ConfigRef, record?: ConfigRecord): void {
    const key = JSON.stringify(ref);
    this.records.set(key, { ref, ...(record ? { record } : {}) });
    this.rev += 1;
    this.log[this.rev] = [key];
  }

  async revision(): Promise<number> {
    return this.rev;
  }

  async loadSnapshot(): Promise<RoutingSnapshot> {
    this.fullLoads += 1;
    const seen = this.rev;
    const builder = new SnapshotBuilder();
    for (const { record } of this.records.values()) if (record) builder.add(record);
    // Read at the call; writes while the gate holds are not in it.
    await this.gate;
    return builder.build(seen);
  }

  async changesSince(from: number, to: number): Promise<ConfigChanges> {
    const keys = new Set(this.log.slice(from + 1, to + 1).flat());
    return { revision: to, changes: [...keys].map((key) => this.records.get(key)!) };
  }
}

const pin = (subject: string, version: string): ConfigRecord => ({ kind: 'pin', value: { scope: 'customer', subject, component: 'svc', version, createdAt: at } as Pin });
const pinRef = (subject: string): ConfigRef => ({ kind: 'pin', scope: 'customer', subject, component: 'svc' });

function seeded(): MemoryStore {
  const store = new MemoryStore();
  store.write({ kind: 'component', name: 'svc' }, { kind: 'component', value: { name: 'svc', subscriptions: ['*'], createdAt: at, updatedAt: at } });
  for (const name of ['v1', 'v2']) {
    store.write(
      { kind: 'version', component: 'svc', version: name },
      { kind: 'version', value: { component: 'svc', name, registeredAt: at, target: { kind: 'http', url: `https://${name}.example` } } },
    );
  }
  store.write({ kind: 'channel', component: 'svc', channel: 'stable' }, { kind: 'channel', value: { component: 'svc', channel: 'stable', version: 'v1', updatedAt: at } });
  return store;
}

const routed = (cache: SnapshotCache, customer: string) => {
  const r = resolveVersion(cache.current(), 'svc', { customer }, Date.parse(at));
  return r.resolved ? `${r.source} ${r.version}` : r.reason;
};

/** Lets pending promise callbacks run, a bounded number of rounds, until `done` holds. */
async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(done(), 'settled');
}

t.test('SnapshotCache catches up from the change log', async () => {
  const store = seeded();
  const cache = new SnapshotCache(store, { pollIntervalMs: 3_600_000 });
  await cache.reload();
  store.write(pinRef('acme'), pin('acme', 'v2'));
  await cache.poll();
  assert.equal(routed(cache, 'acme'), 'customer v2');
  store.write(pinRef('acme'));
  await cache.poll();
  assert.equal(routed(cache, 'acme'), 'default v1');
  assert.deepEqual(cache.loads, { full: 1, incremental: 2 });
  assert.equal(store.fullLoads, 1);
});

t.test('the safety reload runs beside the polls and is adopted caught up, never stepping back', async () => {
  const store = seeded();
  const cache = new SnapshotCache(store, { pollIntervalMs: 3_600_000, fullReloadIntervalMs: 0 });
  await cache.reload();
  let open!: () => void;
  store.gate = new Promise((resolve) => {
    open = resolve;
  });
  await cache.poll(); // starts the safety reload, held at the gate
  assert.equal(store.fullLoads, 2);
  store.write(pinRef('acme'), pin('acme', 'v2'));
  await cache.poll(); // the held load does not hold up catching up
  assert.equal(routed(cache, 'acme'), 'customer v2');
  assert.equal(store.fullLoads, 2, 'one safety reload at a time');
  const before = cache.current();
  open();
  await settle(() => cache.current() !== before);
  // The adopted snapshot was loaded before the pin, and has it: the change log caught it up.
  assert.equal(routed(cache, 'acme'), 'customer v2');
  assert.equal(cache.current().revision, await store.revision());
  assert.equal(cache.loads.full, 2);
  cache.stop();
});
