import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type DispatchQuery, type DispatchRecord, type DispatchStatus, idempotencyKey, isVrouterError } from '@vrouter/core';
import { DynamoEventStore, GSI1, GSI3, SHARDS } from '../src/index.js';
import { dispatchItem } from '../src/event-items.js';
import { eventRef } from '../src/keys.js';
import { startTestTable, type TestTable } from './support.js';

const T0 = Date.parse('2026-06-01T10:50:00Z');
// Groups of three events share a timestamp, so ties on time are ordered by event key across shards.
const at = (i: number) => new Date(T0 + Math.floor(i / 3) * 7 * 60_000).toISOString();
const EVENTS = 60;
const KEY = 'cursor-key-shared-by-routers';

function record(component: string, i: number, extra: Partial<DispatchRecord> = {}): DispatchRecord {
  const id = `${component}-${i}`;
  const customer = ['acme', 'globex', 'initech'][i % 3]!;
  return {
    source: '/sharded',
    id,
    component,
    idempotencyKey: idempotencyKey('/sharded', id, component),
    status: 'pending',
    version: i % 2 ? 'v2' : 'v1',
    channel: 'stable',
    pin: null,
    pinSource: 'default',
    attempts: 0,
    claimedAt: at(i),
    updatedAt: at(i),
    leaseUntil: at(i + 3),
    claimToken: randomUUID(),
    receivedAt: at(i),
    customer,
    ...extra,
  };
}

const isCursorError = (e: unknown) => isVrouterError(e) && e.code === 'VR_VALIDATION' && (e as { field?: string }).field === 'cursor';

t.test('listDispatches over sharded indexes', async (t) => {
  let table: TestTable;
  let store: DynamoEventStore;
  const rows: DispatchRecord[] = [];

  t.before(async () => {
    table = await startTestTable();
    store = new DynamoEventStore({ client: table.client, tableName: table.tableName, cursorKey: KEY });
    // Two components over three hours (crossing hour buckets); every fifth dispatch fails.
    for (const component of ['builder', 'notifier']) {
      for (let i = 0; i < EVENTS; i++) {
        const r = record(component, i);
        await store.claimDispatch(r);
        const status: DispatchStatus = i % 5 === 0 ? 'failed' : 'succeeded';
        await store.completeDispatch(r, r.claimToken!, { status, attempts: 1, ...(status === 'failed' ? { error: { code: 'X', message: 'x' } } : {}) });
        rows.push({ ...r, status });
      }
    }
  });
  t.teardown(() => table.close());

  const from = at(0);
  const to = at(EVENTS);
  /** The order the unsharded layout returned: by time, then event key; newest first unless asked otherwise. */
  function expected(q: Omit<DispatchQuery, 'limit'>): string[] {
    const keep = rows.filter(
      (r) =>
        (!q.component || r.component === q.component) &&
        (!q.customer || r.customer === q.customer) &&
        (!q.status || r.status === q.status) &&
        (!q.version || r.version === q.version) &&
        r.receivedAt! >= q.from &&
        r.receivedAt! <= q.to,
    );
    const sortKey = (r: DispatchRecord) => `${r.receivedAt}#${eventRef(r.source, r.id)}`;
    keep.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
    if ((q.order ?? 'desc') === 'desc') keep.reverse();
    return keep.map((r) => `${r.component}/${r.id}`);
  }

  async function walk(q: Omit<DispatchQuery, 'limit'>, limit: number): Promise<{ ids: string[]; pages: number; maxOverread: number }> {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let maxOverread = 0;
    do {
      const page = await store.listDispatches({ ...q, limit, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= limit);
      ids.push(...page.items.map((r) => `${r.component}/${r.id}`));
      maxOverread = Math.max(maxOverread, page.scanned - page.items.length);
      cursor = page.cursor;
      pages += 1;
      assert.ok(pages <= 1000, 'the walk ends');
    } while (cursor);
    return { ids, pages, maxOverread };
  }

  const shapes: [string, Omit<DispatchQuery, 'limit'>, number][] = [
    ['component (gsi3)', { from, to, component: 'builder' }, SHARDS.component],
    ['time only (gsi1, hour buckets)', { from, to }, SHARDS.time],
    ['component + customer (gsi4)', { from, to, component: 'notifier', customer: 'globex' }, SHARDS.componentCustomer],
    ['failed (gsi2, day buckets)', { from, to, status: 'failed' }, SHARDS.failedDay],
    ['failed + component (gsi6)', { from, to, component: 'builder', status: 'failed' }, SHARDS.failedComponent],
    ['failed + component + customer (gsi5)', { from, to, component: 'builder', customer: 'acme', status: 'failed' }, SHARDS.failedCustomer],
    ['component + version filter', { from, to, component: 'notifier', version: 'v2' }, 0],
    ['narrow window inside one hour', { from: at(9), to: at(17), component: 'builder' }, SHARDS.component],
  ];

  for (const [name, shape, shards] of shapes) {
    for (const order of ['desc', 'asc'] as const) {
      const sizes = name.startsWith('component (') || name.startsWith('time only') ? [1, 2, 7, 1000] : [2, 7, 1000];
      t.test(`${name}, ${order}: same rows in the same order for page sizes ${sizes.join(', ')}`, async () => {
        const q = { ...shape, order };
        const want = expected(q);
        assert.ok(want.length > 0);
        for (const size of sizes) {
          const { ids, pages, maxOverread } = await walk(q, size);
          assert.deepEqual(ids, want, `page size ${size}`);
          if (size >= want.length) assert.equal(pages, 1, 'one page when it fits');
          // At most one page per shard read beyond what was returned (plus the legacy key); filters add what they drop.
          if (shards > 0) assert.ok(maxOverread <= (shards > 1 ? shards + 1 : 1) * size, `over-read ${maxOverread} at page size ${size}`);
          if (shards > 0 && size >= want.length) assert.equal(maxOverread, 0, 'a page that returns everything reads nothing else');
        }
      });
    }
  }

  t.test('bounds the Queries of one page on a long empty window, and the walk still ends', async () => {
    // An empty day without a component: 24 hour buckets of 33 partitions each, more than one page may Query (512).
    const { ids, pages } = await walk({ from: '2026-07-01T00:00:00Z', to: '2026-07-01T23:59:59Z' }, 10);
    assert.deepEqual(ids, []);
    assert.equal(pages, 2, 'the first page ran out of budget and returned an empty page with a cursor');
  });

  t.test('refuses crafted, tampered or foreign cursors with VR_VALIDATION on cursor', async () => {
    const q = { from, to, component: 'builder', limit: 5 };
    const { cursor } = await store.listDispatches(q);
    assert.ok(cursor);
    const [body, signature] = cursor.split('.') as [string, string];
    const decoded = JSON.parse(inflateRawSync(Buffer.from(body, 'base64url')).toString('utf8')) as { positions: unknown[] };
    assert.equal(decoded.positions.length, SHARDS.component + 1, 'one position per shard and the unsharded key');
    assert.ok(cursor.length < 2048, `a cursor fits in a URL (${cursor.length} characters)`);
    // A key of the attacker's choosing, well formed, but not signed by us.
    decoded.positions[0] = ['2026-06-01T10:50:00.000Z#x', 'CONFIG'];
    const forged = `${deflateRawSync(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
    const flipped = `${body.slice(0, -1)}${body.endsWith('A') ? 'B' : 'A'}.${signature}`;
    for (const bad of ['x', '.', 'a.b', `${body}.`, `.${signature}`, forged, flipped, `${cursor}x`, 'a'.repeat(100_000)]) {
      await assert.rejects(store.listDispatches({ ...q, cursor: bad }), isCursorError, bad.slice(0, 40));
    }
    // A cursor belongs to its query: the same cursor with another filter or order is refused.
    await assert.rejects(store.listDispatches({ ...q, component: 'notifier', cursor }), isCursorError);
    await assert.rejects(store.listDispatches({ ...q, order: 'asc', cursor }), isCursorError);
    // Another router with the deployment's key accepts it; one with another key does not.
    const peer = new DynamoEventStore({ client: table.client, tableName: table.tableName, cursorKey: KEY });
    assert.equal((await peer.listDispatches({ ...q, cursor })).items.length, 5);
    const stranger = new DynamoEventStore({ client: table.client, tableName: table.tableName, cursorKey: 'another-deployment' });
    await assert.rejects(stranger.listDispatches({ ...q, cursor }), isCursorError);
  });

  t.test('still lists rows a table written before sharding holds on the unsharded keys, merged in order', async () => {
    // Rows the previous layout wrote: the same items with the unsharded index keys.
    const legacy = [1, 4, 31].map((i) => record('legacy', i));
    for (const r of legacy) {
      const item = dispatchItem(r, Math.floor(Date.now() / 1000) + 3600);
      const hour = new Date(r.receivedAt!).toISOString().slice(0, 13);
      item[GSI1.partitionKey] = { S: `DISPATCHES#${hour}` };
      item[GSI3.partitionKey] = { S: 'D#legacy' };
      item.failedDayKey = { S: `FAILED#${r.receivedAt!.slice(0, 10)}` };
      item.failedComponentKey = { S: 'F#legacy' };
      await table.client.send(new PutItemCommand({ TableName: table.tableName, Item: item }));
    }
    const fresh = [0, 2, 30, 32].map((i) => record('legacy', i));
    for (const r of fresh) await store.claimDispatch(r);
    const ids = (page: { items: DispatchRecord[] }) => page.items.map((r) => r.id);
    const all = [...legacy, ...fresh].sort((a, b) => (a.receivedAt! < b.receivedAt! ? 1 : a.receivedAt! > b.receivedAt! ? -1 : a.id < b.id ? 1 : -1));
    assert.deepEqual(
      ids(await store.listDispatches({ from, to, component: 'legacy', limit: 100 })),
      all.map((r) => r.id),
    );
    const byTime = await store.listDispatches({ from, to, limit: 1000 });
    assert.ok(legacy.every((r) => byTime.items.some((x) => x.id === r.id)));
    // A pending claim of the old layout that fails now lands on the old failed keys, and is still listed as failed.
    assert.equal(await store.completeDispatch(legacy[0]!, legacy[0]!.claimToken!, { status: 'failed', attempts: 1, error: { code: 'X', message: 'x' } }), true);
    assert.deepEqual(ids(await store.listDispatches({ from, to, component: 'legacy', status: 'failed', limit: 10 })), [legacy[0]!.id]);
    assert.ok((await store.listDispatches({ from, to, status: 'failed', limit: 1000 })).items.some((r) => r.id === legacy[0]!.id));
  });
});
