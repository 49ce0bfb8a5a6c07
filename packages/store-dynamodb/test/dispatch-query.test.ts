import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { type DispatchRecord, type DispatchStatus, idempotencyKey } from '@vrouter/core';
import { DynamoEventStore } from '../src/index.js';
import { startTestTable, type TestTable } from './support.js';

const T0 = Date.parse('2026-06-01T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

t.test('listDispatches', async (t) => {
  let table: TestTable;
  let store: DynamoEventStore;
  const rows: DispatchRecord[] = [];

  t.before(async () => {
    table = await startTestTable();
    store = new DynamoEventStore({ client: table.client, tableName: table.tableName });
    // 3 hours of traffic, one event a minute, for two components and three customers; every 7th fails.
    for (let m = 0; m < 180; m++) {
      for (const component of ['builder', 'notifier']) {
        const id = `e${m}`;
        const customer = ['acme', 'globex', 'initech'][m % 3]!;
        const record: DispatchRecord = {
          source: '/q',
          id,
          component,
          idempotencyKey: idempotencyKey('/q', id, component),
          status: 'pending',
          version: m % 2 ? 'v2' : 'v1',
          channel: 'stable',
          pin: null,
          pinSource: 'default',
          attempts: 0,
          claimedAt: at(m),
          updatedAt: at(m),
          leaseUntil: at(m + 1),
          claimToken: randomUUID(),
          receivedAt: at(m),
          customer,
          project: `${customer}-web`,
        };
        await store.claimDispatch(record);
        const status: DispatchStatus = m % 7 === 0 ? 'failed' : 'succeeded';
        await store.completeDispatch(record, record.claimToken!, { status, attempts: 1, ...(status === 'failed' ? { error: { code: 'X', message: 'x' } } : {}) });
        rows.push({ ...record, status });
      }
    }
  });
  t.teardown(() => table.close());

  const expected = (filter: (r: DispatchRecord) => boolean) =>
    rows
      .filter(filter)
      .map((r) => `${r.component}/${r.id}`)
      .sort();
  const got = (items: DispatchRecord[]) => items.map((r) => `${r.component}/${r.id}`).sort();

  t.test('failed events of one customer for one component in 15 minutes: reads about what it returns', async () => {
    const from = at(60);
    const to = at(75);
    const page = await store.listDispatches({ from, to, component: 'builder', customer: 'acme', status: 'failed', limit: 100 });
    const want = expected((r) => r.component === 'builder' && r.customer === 'acme' && r.status === 'failed' && r.receivedAt! >= from && r.receivedAt! <= to);
    assert.deepEqual(got(page.items), want);
    assert.equal(page.scanned, page.items.length, 'the index holds exactly the failed rows of this customer and component');
  });

  t.test('all events of a component in a window read exactly what they return', async () => {
    const page = await store.listDispatches({ from: at(30), to: at(89), component: 'notifier', limit: 1000 });
    assert.equal(page.items.length, 60);
    assert.equal(page.scanned, 60);
    assert.deepEqual(
      got(page.items),
      expected((r) => r.component === 'notifier' && r.receivedAt! >= at(30) && r.receivedAt! <= at(89)),
    );
  });

  t.test('component and customer use their own index', async () => {
    const page = await store.listDispatches({ from: at(0), to: at(179), component: 'builder', customer: 'globex', limit: 1000 });
    assert.equal(page.items.length, 60);
    assert.equal(page.scanned, 60);
  });

  t.test('pages with a cursor, newest first by default and oldest first on request', async () => {
    const first = await store.listDispatches({ from: at(0), to: at(179), component: 'builder', limit: 50 });
    assert.equal(first.items[0]!.id, 'e179');
    const second = await store.listDispatches({ from: at(0), to: at(179), component: 'builder', limit: 500, cursor: first.cursor });
    assert.equal(first.items.length + second.items.length, 180);
    assert.equal(second.cursor, undefined);
    const ascending = await store.listDispatches({ from: at(0), to: at(179), component: 'builder', limit: 3, order: 'asc' });
    assert.deepEqual(
      ascending.items.map((r) => r.id),
      ['e0', 'e1', 'e2'],
    );
  });

  t.test('without a component, walks hour buckets; failed without a component walks failed days', async () => {
    const all = await store.listDispatches({ from: at(50), to: at(130), limit: 1000 });
    assert.deepEqual(
      got(all.items),
      expected((r) => r.receivedAt! >= at(50) && r.receivedAt! <= at(130)),
    );
    const failed = await store.listDispatches({ from: at(0), to: at(179), status: 'failed', limit: 1000 });
    assert.deepEqual(
      got(failed.items),
      expected((r) => r.status === 'failed'),
    );
    assert.equal(failed.scanned, failed.items.length, 'the failed index holds only failed rows');
    const v2 = await store.listDispatches({ from: at(0), to: at(179), component: 'builder', version: 'v2', limit: 1000 });
    assert.equal(v2.items.length, 90);
  });

  t.test('moves a record out of the failed indexes when a later outcome succeeds', async () => {
    const record = rows.find((r) => r.status === 'failed' && r.component === 'builder')!;
    assert.equal(await store.completeDispatch(record, record.claimToken!, { status: 'succeeded', attempts: 2 }), true);
    const failed = await store.listDispatches({ from: at(0), to: at(179), component: 'builder', status: 'failed', limit: 1000 });
    assert.ok(!failed.items.some((r) => r.id === record.id));
  });

  t.test('refuses a cursor it did not issue and a reversed window', async () => {
    await assert.rejects(store.listDispatches({ from: at(0), to: at(1), limit: 1, cursor: 'x' }), (e: unknown) => (e as { field?: string }).field === 'cursor');
    await assert.rejects(store.listDispatches({ from: at(5), to: at(1), limit: 1 }), (e: unknown) => (e as { field?: string }).field === 'from');
  });
});

t.test('index entries carry what listings filter on; listed rows are read whole from the table', async (t) => {
  const table = await startTestTable();
  t.teardown(() => table.close());
  const store = new DynamoEventStore({ client: table.client, tableName: table.tableName });
  const id = `whole-${randomUUID()}`;
  const record: DispatchRecord = {
    source: '/q',
    id,
    component: 'builder',
    idempotencyKey: idempotencyKey('/q', id, 'builder'),
    status: 'pending',
    version: 'v1',
    channel: 'stable',
    pin: null,
    pinSource: 'default',
    attempts: 0,
    claimedAt: at(0),
    updatedAt: at(0),
    leaseUntil: at(1),
    claimToken: randomUUID(),
    receivedAt: at(0),
    customer: 'acme',
  };
  await store.claimDispatch(record);
  await store.completeDispatch(record, record.claimToken!, { status: 'failed', attempts: 3, error: { code: 'X', message: 'boom' }, response: 'nope' });
  const { QueryCommand } = await import('@aws-sdk/client-dynamodb');
  const { Items } = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :p',
      ExpressionAttributeValues: { ':p': { S: 'D#builder#acme' } },
    }),
  );
  const entry = Items?.find((item) => item.id?.S === id || item.pk?.S?.endsWith(id));
  assert.ok(entry, 'listed in the index');
  for (const absent of ['attempts', 'response', 'lastError', 'claimToken', 'updatedAt']) assert.equal(entry[absent], undefined, `${absent} is not in the index`);
  assert.equal(entry.status?.S, 'failed');

  const page = await store.listDispatches({ from: at(0), to: at(1), component: 'builder', customer: 'acme', limit: 10 });
  assert.deepEqual(
    page.items,
    [{ ...record, status: 'failed', attempts: 3, lastError: { code: 'X', message: 'boom' }, response: 'nope', updatedAt: page.items[0]?.updatedAt, leaseUntil: undefined }].map(
      ({ leaseUntil: _gone, ...rest }) => rest,
    ),
  );
  const failed = await store.listDispatches({ from: at(0), to: at(1), component: 'builder', status: 'failed', limit: 10 });
  assert.deepEqual(
    failed.items.map((r) => [r.id, r.attempts]),
    [[id, 3]],
  );
});
