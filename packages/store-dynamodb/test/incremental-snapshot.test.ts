import assert from 'node:assert/strict';
import t from 'tap';
import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type Pin, type RoutingSnapshot, resolveVersion, SnapshotCache } from '@vrouter/core';
import { createDynamoClient, createTable, DynamoRoutingConfigStore } from '../src/index.js';
import { keyAttributes, revisionKey } from '../src/keys.js';
import { STORE_UNDER_TEST, startTestTable, type TestTable } from './support.js';

const AT = '2026-01-31T12:00:00.000Z';
const PINS = 300;

/** Requests a client sends, by command, and how many keys its BatchGetItem calls asked for. */
function countRequests(client: DynamoDBClient) {
  const sent: string[] = [];
  let batchKeys = 0;
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(String(context.commandName));
      if (context.commandName === 'BatchGetItemCommand') {
        const input = args.input as { RequestItems: Record<string, { Keys: unknown[] }> };
        for (const request of Object.values(input.RequestItems)) batchKeys += request.Keys.length;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return {
    sent,
    batchKeys: () => batchKeys,
    reset() {
      sent.length = 0;
      batchKeys = 0;
    },
    count: (name: string) => sent.filter((s) => s === name).length,
  };
}

const pin = (subject: string, version: string): Pin => ({ scope: 'customer', subject, component: 'svc', version, createdAt: AT });

/** Everything the snapshot routes by, as plain data: two snapshots route alike when these are equal. */
const contents = (s: RoutingSnapshot) => ({
  components: [...s.components].map(([name, r]) => [name, r.component.name, [...r.versions.keys()].sort(), r.channels]),
  pins: [...s.pins.values()].map((p) => `${p.scope}/${p.subject}/${p.component}=${p.version ?? p.channel}@${p.etag}`).sort(),
  customers: [...s.customers.keys()].sort(),
});

t.test(`a second router catches up by reading what changed (${STORE_UNDER_TEST})`, async (t) => {
  let table: TestTable;
  let tables = 0;
  t.before(async () => {
    table = await startTestTable();
  });
  t.teardown(() => table.close());

  /** A table with one component, two versions and PINS pins, written by one router; a second router with its own counted client. */
  async function routers() {
    const tableName = `incremental-${++tables}`;
    await createTable(table.client, tableName);
    const writer = new DynamoRoutingConfigStore({ client: table.client, tableName });
    await writer.putComponent({ name: 'svc', subscriptions: ['*'], createdAt: AT, updatedAt: AT });
    for (const name of ['v1', 'v2']) await writer.putVersion({ component: 'svc', name, target: { kind: 'http', url: `https://${name}.example` }, registeredAt: AT });
    await writer.setChannel('svc', 'stable', 'v1', AT);
    const written = await writer.putPins(Array.from({ length: PINS }, (_, i) => pin(`c${i}`, 'v1')));
    assert.ok(written.every((r) => r.ok));
    const endpoint = await table.client.config.endpoint?.();
    const client = createDynamoClient({ endpoint: `${endpoint!.protocol}//${endpoint!.hostname}:${endpoint!.port}${endpoint!.path}`, requestTimeoutMs: 10_000, maxAttempts: 3 });
    const counted = countRequests(client);
    const reader = new DynamoRoutingConfigStore({ client, tableName });
    const cache = new SnapshotCache(reader, { pollIntervalMs: 3_600_000 });
    await cache.reload();
    t.teardown(() => client.destroy());
    return { writer, reader, cache, counted, client, tableName };
  }

  t.test('a pin change reaches the second router with O(1) reads, no Query', async () => {
    const { writer, reader, cache, counted } = await routers();
    assert.equal(cache.loads.full, 1);
    assert.equal(cache.current().pins.size, PINS);
    counted.reset();
    await writer.putPin(pin('c7', 'v2'));
    await cache.poll();
    const routed = resolveVersion(cache.current(), 'svc', { customer: 'c7' }, Date.now());
    assert.equal(routed.resolved && routed.version, 'v2');
    assert.equal(counted.count('QueryCommand'), 0, 'no Query of the config partition');
    assert.equal(cache.loads.incremental, 1);
    // The revision (poll, then the catch-up's own read), the change-log entry and the pin.
    assert.ok(counted.sent.length <= 4, `requests: ${counted.sent.join(', ')}`);
    assert.equal(counted.batchKeys(), 2, 'one change-log entry and one item');
    assert.deepEqual(contents(cache.current()), contents(await reader.loadSnapshot()));
  });

  t.test('deletes, channel moves and customers apply as a full load would', async () => {
    const { writer, reader, cache } = await routers();
    await writer.deletePin('customer', 'c1', 'svc');
    await writer.setChannel('svc', 'stable', 'v2', AT);
    await writer.putCustomer({ id: 'c2', plan: 'pro' });
    await cache.poll();
    assert.equal(cache.loads.full, 1);
    assert.equal(cache.loads.incremental, 1);
    assert.equal(cache.current().revision, await reader.revision());
    assert.deepEqual(contents(cache.current()), contents(await reader.loadSnapshot()));
    const fallback = resolveVersion(cache.current(), 'svc', { customer: 'c1' }, Date.now());
    assert.equal(fallback.resolved && [fallback.source, fallback.version].join(' '), 'default v2');
  });

  t.test('a router behind by more revisions than it reads incrementally loads in full', async () => {
    const { writer, reader, cache, counted } = await routers();
    for (let i = 0; i < 101; i++) await writer.putCustomer({ id: `k${i}` });
    counted.reset();
    await cache.poll();
    assert.equal(cache.loads.full, 2);
    assert.equal(cache.loads.incremental, 0);
    assert.ok(counted.count('QueryCommand') > 0);
    assert.equal(cache.current().customers.size, 101);
    assert.deepEqual(contents(cache.current()), contents(await reader.loadSnapshot()));
  });

  t.test('a revision bumped without its log entry is waited for, then covered by a full load', async () => {
    const { writer, reader, cache, tableName } = await routers();
    const impatient = new SnapshotCache(reader, { pollIntervalMs: 3_600_000, changeLogGraceMs: 0 });
    await impatient.reload();
    // A writer that died between its bump and its log entry.
    await table.client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: keyAttributes(revisionKey()),
        UpdateExpression: 'ADD #rev :one',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    const gap = await reader.revision();
    await writer.putPin(pin('c9', 'v2'));
    await cache.poll();
    // The later write shows at once; the snapshot's revision stays short of the unlogged one, so later polls look again.
    const routed = resolveVersion(cache.current(), 'svc', { customer: 'c9' }, Date.now());
    assert.equal(routed.resolved && routed.version, 'v2');
    assert.equal(cache.current().revision, gap - 1);
    assert.equal(cache.loads.full, 1);
    // Without a grace the cache loads in full at once, and is then at the store's revision.
    await impatient.poll();
    assert.equal(impatient.loads.full, 2);
    assert.equal(impatient.current().revision, await reader.revision());
    assert.deepEqual(contents(impatient.current()), contents(await reader.loadSnapshot()));
  });
});
