import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { type DispatchRecord, idempotencyKey } from '@vrouter/core';
import { DynamoEventStore, type KeyShare, measureKeyShares } from '../src/index.js';
import { startTestTable, type TestTable } from './support.js';

// A burst small enough for a unit test that still means something: 400 events from 100 customers, one component.
// With 32 shards the hottest key expects about 3% of a burst; more than 10% means the burst is not spread.
const EVENTS = 400;
const CUSTOMERS = 100;
const BOUND = 0.1;

async function burst(store: DynamoEventStore, outcome: 'succeeded' | 'failed'): Promise<void> {
  const receivedAt = new Date().toISOString();
  const write = async (i: number) => {
    const id = `${outcome}-${i}-${randomUUID()}`;
    const customer = `c${i % CUSTOMERS}`;
    await store.recordEvent({
      source: '/burst',
      id,
      type: 'build.finished',
      receivedAt,
      customer,
      components: ['svc'],
      event: { specversion: '1.0', id, source: '/burst', type: 'build.finished' },
    });
    const record: DispatchRecord = {
      source: '/burst',
      id,
      component: 'svc',
      idempotencyKey: idempotencyKey('/burst', id, 'svc'),
      status: 'pending',
      version: 'v1',
      channel: 'stable',
      pin: null,
      pinSource: 'default',
      attempts: 0,
      claimedAt: receivedAt,
      updatedAt: receivedAt,
      leaseUntil: new Date(Date.now() + 30_000).toISOString(),
      claimToken: randomUUID(),
      receivedAt,
      customer,
    };
    assert.equal((await store.claimDispatch(record)).claimed, true);
    const failed = outcome === 'failed';
    assert.equal(await store.completeDispatch(record, record.claimToken!, { status: outcome, attempts: 1, ...(failed ? { error: { code: 'X', message: 'x' } } : {}) }), true);
  };
  // Bounded concurrency: the burst is a fixed count, whatever the machine's speed.
  for (let i = 0; i < EVENTS; i += 20) await Promise.all(Array.from({ length: Math.min(20, EVENTS - i) }, (_, j) => write(i + j)));
}

const describeShares = (shares: KeyShare[]) => shares.map((s) => `${s.index}: ${(s.share * 100).toFixed(1)}% on ${s.hottestKey}`).join('; ');

for (const outcome of ['succeeded', 'failed'] as const) {
  t.test(`a ${outcome === 'failed' ? 'failure burst of one version' : 'single-component burst'}`, async (t) => {
    let table: TestTable;
    let shares: KeyShare[];
    let before_: KeyShare[];

    t.before(async () => {
      table = await startTestTable();
      await burst(new DynamoEventStore({ client: table.client, tableName: table.tableName }), outcome);
      shares = await measureKeyShares(table.client, table.tableName);
      before_ = await measureKeyShares(table.client, table.tableName, { unsharded: true });
    });
    t.teardown(() => table.close());

    t.test(`leaves no key in the table or any index with more than ${BOUND * 100}% of the burst`, async () => {
      const indexes = shares.map((s) => s.index);
      for (const expected of ['table', 'gsi1', 'gsi3', 'gsi4', 'gsi2 leases', ...(outcome === 'failed' ? ['gsi2', 'gsi5', 'gsi6'] : [])])
        assert.ok(indexes.includes(expected), `${expected} was written`);
      for (const share of shares) {
        assert.ok(share.items >= EVENTS, `${share.index} holds the burst (${share.items} items)`);
        assert.ok(share.share <= BOUND, `${share.index}: hottest key ${share.hottestKey} holds ${(share.share * 100).toFixed(1)}% (${describeShares(shares)})`);
      }
    });

    t.test('would have put the time and component indexes on one key without shards', async () => {
      const unsharded = new Map(before_.map((s) => [s.index, s]));
      // The measure itself can see a hot key: folded back onto the old keys, one component is one key.
      assert.equal(unsharded.get('gsi3')?.keys, 1);
      assert.equal(unsharded.get('gsi3')?.share, 1);
      if (outcome === 'failed') assert.equal(unsharded.get('gsi6')?.share, 1);
      assert.ok((unsharded.get('gsi1')?.share ?? 0) >= 0.49, 'events and dispatches of one hour on two keys');
    });
  });
}
