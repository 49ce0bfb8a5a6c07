import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type DispatchRecord, idempotencyKey } from '@vrouter/core';
import { DynamoEventStore } from '../src/index.js';
import { startTestTable, type TestTable } from './support.js';

const now = () => new Date().toISOString();

function record(id: string, extra: Partial<DispatchRecord>): DispatchRecord {
  return {
    source: '/s',
    id,
    component: 'svc',
    idempotencyKey: idempotencyKey('/s', id, 'svc'),
    status: 'pending',
    version: 'v1',
    channel: 'stable',
    pin: null,
    pinSource: 'default',
    attempts: 0,
    claimedAt: now(),
    updatedAt: now(),
    receivedAt: now(),
    customer: 'acme',
    leaseUntil: new Date(Date.now() + 30_000).toISOString(),
    claimToken: randomUUID(),
    ...extra,
  };
}

describe('shadow dispatch records', () => {
  let table: TestTable;
  let store: DynamoEventStore;
  before(async () => {
    table = await startTestTable();
    store = new DynamoEventStore({ client: table.client, tableName: table.tableName });
  });
  after(() => table.close());

  it('live beside the original, never change it, stay out of the listings, and pair up for comparison', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const primary = record('e1', {});
    const shadow = record('e1', { shadow: true, version: 'v2', idempotencyKey: idempotencyKey('/s', 'e1', 'svc', 'shadow') });
    assert.equal((await store.claimDispatch(primary)).claimed, true);
    assert.equal((await store.claimDispatch(shadow)).claimed, true, 'the shadow claim is its own key');
    assert.equal((await store.claimDispatch({ ...shadow, claimToken: randomUUID() })).claimed, false, 'and is claimed once');
    await store.completeDispatch(primary, primary.claimToken!, { status: 'succeeded', attempts: 1, response: '{"ok":1}' });
    await store.completeDispatch(shadow, shadow.claimToken!, { status: 'failed', attempts: 1, error: { code: 'X', message: 'shadow broke' } });

    const to = new Date(Date.now() + 1000).toISOString();
    const failed = await store.listDispatches({ from, to, status: 'failed', limit: 100 });
    assert.deepEqual(failed.items, [], 'a failing shadow does not make the event failed');
    const all = await store.listDispatches({ from, to, component: 'svc', limit: 100 });
    assert.deepEqual(all.items.map((r) => [r.id, r.status, r.shadow ?? false]), [['e1', 'succeeded', false]]);

    const pairs = await store.listShadowPairs('svc', from, to, 100);
    assert.equal(pairs.length, 1);
    assert.deepEqual([pairs[0]!.shadow.status, pairs[0]!.shadow.version, pairs[0]!.primary?.status, pairs[0]!.primary?.response], ['failed', 'v2', 'succeeded', '{"ok":1}']);
  });
});
