import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { DispatchRecord } from '@vrouter/core';
import { eventStoreFixture, pendingDispatch } from './support.js';

const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

function pending(id: string, leaseUntil: string): DispatchRecord {
  return pendingDispatch('urn:lease', id, { leaseUntil });
}

t.test('dispatch leases', async (t) => {
  const fixture = eventStoreFixture(t);

  t.test('finds only pending claims whose lease ended, oldest first', async () => {
    const expiredA = pending(`a-${randomUUID()}`, at(-2000));
    const expiredB = pending(`b-${randomUUID()}`, at(-5000));
    const live = pending(`c-${randomUUID()}`, at(60_000));
    const done = pending(`d-${randomUUID()}`, at(-3000));
    for (const record of [expiredA, expiredB, live, done]) assert.equal((await fixture.store.claimDispatch(record)).claimed, true);
    assert.equal(await fixture.store.completeDispatch(done, done.claimToken!, { status: 'succeeded', attempts: 1 }), true);

    const found = await fixture.store.findExpiredClaims(at(0), 10);
    const ids = found.map((c) => c.id);
    assert.deepEqual(
      ids.filter((id) => [expiredA.id, expiredB.id, live.id, done.id].includes(id)),
      [expiredB.id, expiredA.id],
    );
    assert.equal(found.find((c) => c.id === expiredA.id)?.claimToken, expiredA.claimToken);
  });

  t.test('exactly one of many concurrent recoverers takes an expired claim over', async () => {
    const record = pending(`t-${randomUUID()}`, at(-1000));
    await fixture.store.claimDispatch(record);
    const [expired] = (await fixture.store.findExpiredClaims(at(0), 100)).filter((c) => c.id === record.id);
    assert.ok(expired);
    const results = await Promise.all(Array.from({ length: 10 }, () => fixture.store.takeOverClaim(expired, randomUUID(), at(30_000), at(0))));
    const winners = results.filter((r) => r !== null);
    assert.equal(winners.length, 1);
    assert.equal(winners[0]!.status, 'pending');
    assert.notEqual(winners[0]!.claimToken, record.claimToken);
    // The old owner lost its claim: its outcome is not recorded.
    assert.equal(await fixture.store.completeDispatch(record, record.claimToken!, { status: 'succeeded', attempts: 1 }), false);
    assert.equal(await fixture.store.completeDispatch(record, winners[0]!.claimToken!, { status: 'succeeded', attempts: 1 }), true);
  });

  t.test('does not take over a claim whose lease is still running', async () => {
    const record = pending(`l-${randomUUID()}`, at(60_000));
    await fixture.store.claimDispatch(record);
    const taken = await fixture.store.takeOverClaim({ ...record, claimToken: record.claimToken!, leaseUntil: record.leaseUntil! }, randomUUID(), at(90_000), at(0));
    assert.equal(taken, null);
  });

  t.test('renews a lease only for its owner, recording attempts and the last error', async () => {
    const record = pending(`r-${randomUUID()}`, at(1000));
    await fixture.store.claimDispatch(record);
    assert.equal(await fixture.store.renewClaim(record, randomUUID(), { leaseUntil: at(30_000), attempts: 1 }), false);
    assert.equal(await fixture.store.renewClaim(record, record.claimToken!, { leaseUntil: at(30_000), attempts: 2, lastError: { code: 'HTTP_503', message: 'busy' } }), true);
    const later = (await fixture.store.findExpiredClaims(at(60_000), 100)).find((c) => c.id === record.id);
    assert.ok(later);
    assert.ok(later.leaseUntil > at(20_000), 'the lease index carries the renewed lease');
  });
});
