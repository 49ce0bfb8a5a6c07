import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { type CloudEvent, type DispatchRecord, type EventRecord, idempotencyKey, isVrouterError } from '@vrouter/core';
import { DEFAULT_RETENTION_SECONDS, DynamoEventStore } from '../src/index.js';
import { eventStoreFixture, startTestTable, type TestTable } from './support.js';

const RECEIVED = '2026-03-04T05:06:07.890Z';

function eventRecord(source: string, id: string, extra: Partial<EventRecord> = {}): EventRecord {
  const event: CloudEvent = { specversion: '1.0', id, source, type: 'build.started', customerid: 'acme', data: { n: 1 } };
  return { source, id, type: 'build.started', receivedAt: RECEIVED, customer: 'acme', components: ['builds', 'notify'], event, ...extra };
}

function dispatchRecord(source: string, id: string, component: string, extra: Partial<DispatchRecord> = {}): DispatchRecord {
  return {
    source,
    id,
    component,
    idempotencyKey: idempotencyKey(source, id, component),
    status: 'pending',
    version: '1.0.0',
    channel: 'stable',
    pin: { scope: 'customer', subject: 'acme' },
    pinSource: 'customer',
    attempts: 0,
    claimedAt: RECEIVED,
    updatedAt: RECEIVED,
    leaseUntil: '2026-03-04T05:07:07.890Z',
    claimToken: randomUUID(),
    ...extra,
  };
}

t.test('DynamoEventStore', async (t) => {
  let table: TestTable;
  let store: DynamoEventStore;
  const unique = () => `evt-${randomUUID()}`;

  t.before(async () => {
    table = await startTestTable();
    store = new DynamoEventStore({ client: table.client, tableName: table.tableName });
  });
  t.teardown(async () => {
    await table.close();
  });

  t.test('recordEvent records once: true, then false, keeping the first record', async () => {
    const id = unique();
    const first = eventRecord('urn:ci', id);
    assert.equal(await store.recordEvent(first), true);
    assert.equal(await store.recordEvent({ ...first, type: 'build.other', components: [] }), false);
    assert.deepEqual((await store.getEvent('urn:ci', id))?.event, first);
  });

  t.test('writes the TTL on the event item, and no index keys: nothing lists events apart from their dispatches', async () => {
    const id = unique();
    const before = Math.floor(Date.now() / 1000);
    await store.recordEvent(eventRecord('urn:ci', id, { receivedAt: '2026-03-04T07:06:07.890+02:00' }));
    const { Item } = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: `EVENT#urn%3Aci#${id}` }, sk: { S: 'EVENT' } }, ConsistentRead: true }),
    );
    const expiresAt = Number(Item?.expiresAt?.N);
    assert.ok(expiresAt >= before + DEFAULT_RETENTION_SECONDS && expiresAt <= Math.ceil(Date.now() / 1000) + DEFAULT_RETENTION_SECONDS);
    assert.equal(typeof Item?.event?.S, 'string');
    assert.deepEqual(
      Object.keys(Item ?? {}).filter((name) => name.startsWith('gsi')),
      [],
    );
    await assert.rejects(store.recordEvent(eventRecord('urn:ci', unique(), { receivedAt: 'yesterday' })), (e: unknown) => isVrouterError(e) && e.field === 'receivedAt');
  });

  t.test('a claim that carries the log record: one item, read back as the event, and a duplicate writes nothing', async () => {
    const id = unique();
    const event = eventRecord('urn:ci', id, { components: ['builds'], chain: { root: { source: 'urn:ci', id: 'root' }, depth: 1 }, context: 'ctx' });
    const claim = dispatchRecord('urn:ci', id, 'builds', { receivedAt: RECEIVED, customer: 'acme' });
    assert.deepEqual(await store.claimDispatch(claim, event), { claimed: true, record: claim });
    const { Items } = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `EVENT#urn%3Aci#${id}` } },
        ConsistentRead: true,
      }),
    );
    assert.deepEqual(
      Items?.map((item) => item.sk?.S),
      ['DISPATCH#builds'],
    );
    const found = await store.getEvent('urn:ci', id);
    assert.deepEqual(found?.event, event);
    assert.deepEqual(found?.dispatches, [claim]);

    const again = await store.claimDispatch({ ...claim, claimToken: randomUUID() }, { ...event, type: 'other' });
    assert.equal(again.claimed, false);
    assert.deepEqual(again.claimed ? undefined : again.existing, claim);
    assert.deepEqual((await store.getEvent('urn:ci', id))?.event, event, 'the first record is kept');
    await assert.rejects(store.claimDispatch(dispatchRecord('urn:ci', unique(), 'builds'), event), RangeError);
  });

  t.test('an EVENT item, when the event has one, is its record rather than the copy a claim carries', async () => {
    const id = unique();
    const carried = eventRecord('urn:ci', id, { components: ['builds'] });
    await store.claimDispatch(dispatchRecord('urn:ci', id, 'builds', { receivedAt: RECEIVED, customer: 'acme' }), carried);
    // A redelivery after a second component subscribed logs the event on its own.
    const shared = { ...carried, components: ['builds', 'notify'] };
    assert.equal(await store.recordEvent(shared), true);
    await store.claimDispatch(dispatchRecord('urn:ci', id, 'notify'));
    const found = await store.getEvent('urn:ci', id);
    assert.deepEqual(found?.event, shared);
    assert.deepEqual(
      found?.dispatches.map((d) => d.component),
      ['builds', 'notify'],
    );
  });

  t.test('honours retentionSeconds and refuses nonsense', async () => {
    const short = new DynamoEventStore({ client: table.client, tableName: table.tableName, retentionSeconds: 60 });
    const id = unique();
    await short.claimDispatch(dispatchRecord('urn:ci', id, 'builds'));
    const { Item } = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: `EVENT#urn%3Aci#${id}` }, sk: { S: 'DISPATCH#builds' } }, ConsistentRead: true }),
    );
    assert.ok(Math.abs(Number(Item?.expiresAt?.N) - (Math.floor(Date.now() / 1000) + 60)) <= 2);
    for (const retentionSeconds of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new DynamoEventStore({ client: table.client, tableName: table.tableName, retentionSeconds }), RangeError);
    }
  });

  t.test('claimDispatch: the second claim gets claimed:false and the existing record', async () => {
    const id = unique();
    const first = dispatchRecord('urn:ci', id, 'builds', {
      version: null,
      channel: null,
      pin: null,
      pinSource: null,
      status: 'failed',
      lastError: { code: 'VR_NO_ROUTABLE_VERSION', message: 'none' },
    });
    assert.deepEqual(await store.claimDispatch(first), { claimed: true, record: first });
    const second = await store.claimDispatch(dispatchRecord('urn:ci', id, 'builds'));
    assert.deepEqual(second, { claimed: false, existing: first });
  });

  t.test('claimDispatch: of 50 concurrent claims of one key exactly one wins, and all see the winner', async () => {
    const id = unique();
    const attempts = Array.from({ length: 50 }, () => dispatchRecord('urn:ci', id, 'builds'));
    const results = await Promise.all(attempts.map((record) => store.claimDispatch(record)));
    const winners = results.filter((result) => result.claimed);
    assert.equal(winners.length, 1);
    const winner = winners[0]?.claimed ? winners[0].record : undefined;
    for (const result of results) {
      if (!result.claimed) assert.equal(result.existing.claimToken, winner?.claimToken);
    }
  });

  t.test('completeDispatch only with the owning token, and then records the outcome', async () => {
    const id = unique();
    const claim = dispatchRecord('urn:ci', id, 'builds');
    const key = { source: 'urn:ci', id, component: 'builds' };
    await store.recordEvent(eventRecord('urn:ci', id));
    await store.claimDispatch(claim);

    assert.equal(await store.completeDispatch(key, 'not-the-token', { status: 'succeeded', attempts: 1 }), false);
    assert.deepEqual((await store.getEvent('urn:ci', id))?.dispatches, [claim]);

    const failed = { status: 'failed' as const, attempts: 3, error: { code: 'Unhandled', message: 'boom' }, response: '{"errorMessage":"boom"}' };
    assert.equal(await store.completeDispatch(key, claim.claimToken!, failed), true);
    let [record] = (await store.getEvent('urn:ci', id))?.dispatches ?? [];
    assert.equal(record?.status, 'failed');
    assert.equal(record?.attempts, 3);
    assert.deepEqual(record?.lastError, failed.error);
    assert.equal(record?.response, failed.response);
    assert.equal(record?.leaseUntil, undefined);
    assert.equal(record?.claimToken, claim.claimToken);
    assert.ok(record !== undefined && record.updatedAt > claim.updatedAt);
    assert.equal(record?.claimedAt, claim.claimedAt);

    // A later outcome without error or response removes the old ones.
    assert.equal(await store.completeDispatch(key, claim.claimToken!, { status: 'succeeded', attempts: 4 }), true);
    [record] = (await store.getEvent('urn:ci', id))?.dispatches ?? [];
    assert.equal(record?.status, 'succeeded');
    assert.equal(record?.lastError, undefined);
    assert.equal(record?.response, undefined);
  });

  t.test('completeDispatch of a record that does not exist returns false and creates nothing', async () => {
    const id = unique();
    assert.equal(await store.completeDispatch({ source: 'urn:ci', id, component: 'builds' }, 'token', { status: 'succeeded', attempts: 1 }), false);
    const { Items } = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `EVENT#urn%3Aci#${id}` } },
        ConsistentRead: true,
      }),
    );
    assert.equal(Items?.length, 0);
  });

  t.test('getEvent returns the event with its dispatches sorted by component, or null', async () => {
    const id = unique();
    const event = eventRecord('urn:ci', id);
    await store.recordEvent(event);
    const records = ['notify', 'builds', 'audit'].map((component) => dispatchRecord('urn:ci', id, component));
    for (const record of records) await store.claimDispatch(record);
    const found = await store.getEvent('urn:ci', id);
    assert.deepEqual(found?.event, event);
    assert.deepEqual(
      found?.dispatches.map((d) => d.component),
      ['audit', 'builds', 'notify'],
    );
    assert.deepEqual(found?.dispatches[2], records[0]);
    assert.equal(await store.getEvent('urn:ci', unique()), null);
  });

  t.test('round-trips sources and ids with "#", "/" and unicode without aliasing', async () => {
    const id = `id#1/ü-${randomUUID()}`;
    const source = 'https://example.com/repos/a#b/ÄÖÜ/日本語/🚀';
    const event = eventRecord(source, id);
    assert.equal(await store.recordEvent(event), true);
    await store.claimDispatch(dispatchRecord(source, id, 'builds'));
    const found = await store.getEvent(source, id);
    assert.deepEqual(found?.event, event);
    assert.equal(found?.dispatches[0]?.source, source);
    assert.equal(found?.dispatches[0]?.id, id);

    // ("a#b", "c") and ("a", "b#c") would share a key if source and id were not encoded.
    const suffix = randomUUID();
    assert.equal(await store.recordEvent(eventRecord(`a#b${suffix}`, 'c')), true);
    assert.equal(await store.recordEvent(eventRecord('a', `b${suffix}#c`)), true);
  });

  t.test('keeps the CloudEvent byte for byte, including keys and numbers a DynamoDB map would refuse', async () => {
    const id = unique();
    const event: CloudEvent = {
      specversion: '1.0',
      id,
      source: 'urn:ci',
      type: 'build.started',
      data: { '': '', empty: [], nested: { '': { deep: [null, true, 1.5e300, -0.000001] } }, text: '' },
      tracestate: '',
    };
    await store.recordEvent(eventRecord('urn:ci', id, { event }));
    assert.deepEqual((await store.getEvent('urn:ci', id))?.event.event, event);
  });

  t.test('getEvent fails loudly on an unreadable dispatch item rather than hiding it', async () => {
    const id = unique();
    await store.recordEvent(eventRecord('urn:ci', id));
    await table.client.send(
      new PutItemCommand({
        TableName: table.tableName,
        Item: { pk: { S: `EVENT#urn%3Aci#${id}` }, sk: { S: 'DISPATCH#builds' }, status: { S: 'exploded' } },
      }),
    );
    await assert.rejects(store.getEvent('urn:ci', id), (error) => isVrouterError(error) && error.code === 'VR_INTERNAL');
  });
});

t.test('large events in the log', async (t) => {
  const fixture = eventStoreFixture(t);

  t.test('compresses an event over 64 KiB and reads it back as written', async () => {
    const record = eventRecord('urn:big', `big-${randomUUID()}`);
    record.event = { ...record.event, data: { text: 'release notes '.repeat(20_000) } };
    assert.equal(await fixture.store.recordEvent(record), true);
    const { Item } = await fixture.table.client.send(
      new GetItemCommand({ TableName: fixture.table.tableName, Key: { pk: { S: `EVENT#urn%3Abig#${record.id}` }, sk: { S: 'EVENT' } }, ConsistentRead: true }),
    );
    assert.ok(Item?.eventGz?.B, 'stored compressed');
    assert.ok((Item.eventGz.B?.byteLength ?? 0) < 20_000);
    assert.deepEqual((await fixture.store.getEvent('urn:big', record.id))?.event, record);
  });

  t.test('a claim does not carry a large event: the event is logged on its own item, once', async () => {
    const record = eventRecord('urn:big', `big-${randomUUID()}`, { components: ['builds'] });
    record.event = { ...record.event, data: { text: 'x'.repeat(8 * 1024) } };
    const claim = dispatchRecord('urn:big', record.id, 'builds', { receivedAt: RECEIVED, customer: 'acme' });
    assert.equal((await fixture.store.claimDispatch(claim, record)).claimed, true);
    assert.equal((await fixture.store.claimDispatch({ ...claim, claimToken: randomUUID() }, record)).claimed, false);
    const { Items } = await fixture.table.client.send(
      new QueryCommand({
        TableName: fixture.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `EVENT#urn%3Abig#${record.id}` } },
        ConsistentRead: true,
      }),
    );
    assert.deepEqual(
      Items?.map((item) => [item.sk?.S, item.event !== undefined]),
      [
        ['DISPATCH#builds', false],
        ['EVENT', true],
      ],
    );
    assert.deepEqual((await fixture.store.getEvent('urn:big', record.id))?.event, record);
  });

  t.test('refuses an event that does not fit an item even compressed, writing nothing', async () => {
    const { randomBytes } = await import('node:crypto');
    const record = eventRecord('urn:huge', `huge-${randomUUID()}`);
    record.event = { ...record.event, data: randomBytes(600 * 1024).toString('base64') };
    await assert.rejects(fixture.store.recordEvent(record), (e: unknown) => isVrouterError(e) && e.code === 'VR_PAYLOAD_TOO_LARGE' && e.field === 'data');
    assert.equal(await fixture.store.getEvent('urn:huge', record.id), null);
  });
});
