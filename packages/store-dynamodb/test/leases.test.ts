import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DispatchRecord } from '@vrouter/core';
import { dispatchKey, keyAttributes } from '../src/keys.js';
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

  t.test('records the handed-off attempt on renewal and keeps it through a takeover; completion drops it', async () => {
    const record = pending(`h-${randomUUID()}`, at(-1000));
    await fixture.store.claimDispatch({ ...record, handedOffAttempt: 1 });
    assert.equal(await fixture.store.renewClaim(record, record.claimToken!, { leaseUntil: at(-500), attempts: 2, handedOffAttempt: 2 }), true);
    const [expired] = (await fixture.store.findExpiredClaims(at(0), 100)).filter((c) => c.id === record.id);
    assert.ok(expired);
    const taken = await fixture.store.takeOverClaim(expired, randomUUID(), at(30_000), at(0));
    assert.equal(taken?.handedOffAttempt, 2, 'a recoverer learns the target may already have attempt 2');
    assert.equal(await fixture.store.completeDispatch(taken!, taken!.claimToken!, { status: 'succeeded', attempts: 3 }), true);
    await fixture.store.recordEvent({
      source: record.source,
      id: record.id,
      type: 't',
      receivedAt: at(0),
      components: ['svc'],
      event: { specversion: '1.0', id: record.id, source: record.source, type: 't' },
    });
    const [done] = (await fixture.store.getEvent(record.source, record.id))!.dispatches;
    assert.equal(done?.status, 'succeeded');
    assert.equal(done?.handedOffAttempt, undefined, 'an outcome is recorded: nothing is left in doubt');
  });

  t.test('the safety net finds a stale pending claim whose lease-index entry is missing, and forgets it once completed', async () => {
    const record = pending(`s-${randomUUID()}`, at(-1000));
    const old = { ...record, claimedAt: at(-60_000) };
    await fixture.store.claimDispatch(old);
    const fresh = pending(`f-${randomUUID()}`, at(-1000));
    await fixture.store.claimDispatch(fresh);
    // What a store killed between writing the item and its lease-index entry leaves: the item without gsi2 keys.
    await fixture.table.client.send(
      new UpdateItemCommand({
        TableName: fixture.table.tableName,
        Key: keyAttributes(dispatchKey(old)),
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      }),
    );
    assert.equal(
      (await fixture.store.findExpiredClaims(at(0), 100)).find((c) => c.id === old.id),
      undefined,
      'the lease index no longer knows it',
    );
    const stale = await fixture.store.findStalePendingClaims(at(-30_000), at(0), 100);
    const found = stale.find((c) => c.id === old.id);
    assert.ok(found, 'the safety net finds it');
    assert.equal(found.claimToken, old.claimToken);
    assert.equal(
      stale.find((c) => c.id === fresh.id),
      undefined,
      'claims younger than the cut-off are the sweep’s business',
    );
    const taken = await fixture.store.takeOverClaim(found, randomUUID(), at(30_000), at(0));
    assert.ok(taken);
    assert.equal(await fixture.store.completeDispatch(taken, taken.claimToken!, { status: 'succeeded', attempts: 1 }), true);
    assert.equal(
      (await fixture.store.findStalePendingClaims(at(-30_000), at(60_000), 100)).find((c) => c.id === old.id),
      undefined,
      'completion removes the pending mark',
    );
  });
});
