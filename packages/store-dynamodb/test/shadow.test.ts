import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { type DispatchRecord, idempotencyKey } from '@vrouter/core';
import { eventStoreFixture, pendingDispatch } from './support.js';

function record(id: string, extra: Partial<DispatchRecord>): DispatchRecord {
  return pendingDispatch('/s', id, { receivedAt: new Date().toISOString(), customer: 'acme', ...extra });
}

t.test('shadow dispatch records', async (t) => {
  const fixture = eventStoreFixture(t);

  t.test('live beside the original, never change it, stay out of the listings, and pair up for comparison', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const primary = record('e1', {});
    const shadow = record('e1', { shadow: true, version: 'v2', idempotencyKey: idempotencyKey('/s', 'e1', 'svc', 'shadow') });
    assert.equal((await fixture.store.claimDispatch(primary)).claimed, true);
    assert.equal((await fixture.store.claimDispatch(shadow)).claimed, true, 'the shadow claim is its own key');
    assert.equal((await fixture.store.claimDispatch({ ...shadow, claimToken: randomUUID() })).claimed, false, 'and is claimed once');
    await fixture.store.completeDispatch(primary, primary.claimToken!, { status: 'succeeded', attempts: 1, response: '{"ok":1}' });
    await fixture.store.completeDispatch(shadow, shadow.claimToken!, { status: 'failed', attempts: 1, error: { code: 'X', message: 'shadow broke' } });

    const to = new Date(Date.now() + 1000).toISOString();
    const failed = await fixture.store.listDispatches({ from, to, status: 'failed', limit: 100 });
    assert.deepEqual(failed.items, [], 'a failing shadow does not make the event failed');
    const all = await fixture.store.listDispatches({ from, to, component: 'svc', limit: 100 });
    assert.deepEqual(
      all.items.map((r) => [r.id, r.status, r.shadow ?? false]),
      [['e1', 'succeeded', false]],
    );

    const pairs = await fixture.store.listShadowPairs('svc', from, to, 100);
    assert.equal(pairs.length, 1);
    assert.deepEqual([pairs[0]!.shadow.status, pairs[0]!.shadow.version, pairs[0]!.primary?.status, pairs[0]!.primary?.response], ['failed', 'v2', 'succeeded', '{"ok":1}']);
  });
});
