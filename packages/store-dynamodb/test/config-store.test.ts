import assert from 'node:assert/strict';
import t from 'tap';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ChannelPointer, Component, Customer, Pin, Project, Version } from '@vrouter/core';
import { isVrouterError, pinKey } from '@vrouter/core';
import { createTable, DynamoRoutingConfigStore } from '../src/index.js';
import { startTestTable, type TestTable } from './support.js';

const AT = '2026-01-31T12:00:00.000Z';

const component = (name: string, extra: Partial<Component> = {}): Component => ({
  name,
  subscriptions: ['build.*'],
  createdAt: AT,
  updatedAt: AT,
  ...extra,
});

const lambdaVersion = (componentName: string, name: string): Version => ({
  component: componentName,
  name,
  target: { kind: 'lambda', functionName: `${componentName}-fn`, qualifier: name, invocationType: 'RequestResponse' },
  registeredAt: AT,
});

/** A stored record without its etag, to compare with what was written. */
function untagged<T extends { etag?: string }>(record: T | null | undefined): Omit<T, 'etag'> | null | undefined {
  if (!record) return record;
  const { etag: _etag, ...rest } = record;
  return rest;
}

t.test('DynamoRoutingConfigStore', async (t) => {
  let table: TestTable;
  // Each test gets its own table so that revisions and snapshots are its own.
  let tables = 0;
  let tableName = '';
  const freshStore = async (): Promise<DynamoRoutingConfigStore> => {
    tableName = `config-${++tables}`;
    await createTable(table.client, tableName);
    return new DynamoRoutingConfigStore({ client: table.client, tableName });
  };

  t.before(async () => {
    table = await startTestTable();
  });
  t.teardown(async () => {
    await table.close();
  });

  t.test('starts empty at revision 0', async () => {
    const store = await freshStore();
    assert.equal(await store.revision(), 0);
    const snapshot = await store.loadSnapshot();
    assert.equal(snapshot.revision, 0);
    assert.equal(snapshot.components.size, 0);
    assert.equal(snapshot.pins.size, 0);
  });

  t.test('round-trips components, versions, channels, pins, customers and projects through loadSnapshot', async () => {
    const store = await freshStore();
    const builds = component('builds', { description: 'Build pipeline', subscriptions: ['build.*', 'deploy.finished'] });
    const ecs: Version = {
      component: 'builds',
      name: '2.0.0-rc.1',
      target: {
        kind: 'ecs',
        cluster: 'main',
        taskDefinition: 'builds:7',
        containerName: 'app',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } },
      },
      registeredAt: AT,
    };
    const http: Version = { component: 'notify', name: 'v1', target: { kind: 'http', url: 'http://localhost:9000/hook', timeoutMs: 500 }, registeredAt: AT };
    const channelPin: Pin = { scope: 'customer', subject: 'acme', component: 'builds', channel: 'beta', createdAt: AT };
    const expiredPin: Pin = {
      scope: 'project',
      subject: 'acme:web',
      component: 'builds',
      version: '1.0.0',
      expiresAt: '2020-01-01T00:00:00.000Z',
      reason: 'hotfix window',
      createdAt: AT,
    };
    const customers: Customer[] = [{ id: 'acme', plan: 'enterprise' }, { id: 'solo' }];
    const project: Project = { id: 'acme:web', customer: 'acme' };

    await store.putComponent(builds);
    await store.putComponent(component('notify'));
    await store.putVersion(lambdaVersion('builds', '1.0.0'));
    await store.putVersion(ecs);
    await store.putVersion(http);
    await store.setChannel('builds', 'stable', '1.0.0', AT);
    await store.setChannel('builds', 'beta', '1.0.0', AT);
    await store.setChannel('builds', 'beta', '2.0.0-rc.1', '2026-02-01T00:00:00.000Z');
    await store.putPin(channelPin);
    await store.putPin(expiredPin);
    for (const customer of customers) await store.putCustomer(customer);
    await store.putProject(project);

    const snapshot = await store.loadSnapshot();
    assert.equal(snapshot.revision, await store.revision());
    assert.deepEqual([...snapshot.components.keys()].sort(), ['builds', 'notify']);
    const routing = snapshot.components.get('builds');
    assert.match(String(routing?.component.etag), /^[0-9a-f]{20}$/, 'every record carries an etag');
    assert.deepEqual(untagged(routing?.component), builds);
    assert.deepEqual(untagged(routing?.versions.get('1.0.0')), lambdaVersion('builds', '1.0.0'));
    assert.deepEqual(untagged(routing?.versions.get('2.0.0-rc.1')), ecs);
    assert.deepEqual(routing?.channels, { stable: '1.0.0', beta: '2.0.0-rc.1' });
    assert.deepEqual(untagged(snapshot.components.get('notify')?.versions.get('v1')), http);
    assert.deepEqual(untagged(snapshot.pins.get(pinKey('customer', 'acme', 'builds'))), channelPin);
    // Expired pins stay in the snapshot: resolution explains why it ignored them.
    assert.deepEqual(untagged(snapshot.pins.get(pinKey('project', 'acme:web', 'builds'))), expiredPin);
    assert.deepEqual(untagged(snapshot.customers.get('acme')), customers[0]);
    assert.deepEqual(untagged(snapshot.customers.get('solo')), customers[1]);
    assert.deepEqual(untagged(snapshot.projects.get('acme:web')), project);

    const pointer = untagged(await store.getChannel('builds', 'beta'));
    assert.deepEqual(pointer, { component: 'builds', channel: 'beta', version: '2.0.0-rc.1', previousVersion: '1.0.0', updatedAt: '2026-02-01T00:00:00.000Z' });
  });

  t.test('never stores a pin expiry in the TTL attribute', async () => {
    const store = await freshStore();
    await store.putPin({ scope: 'plan', subject: 'free', component: 'builds', channel: 'stable', expiresAt: '2030-01-01T00:00:00.000Z', createdAt: AT });
    const { Item } = await table.client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'CONFIG' }, sk: { S: 'PIN#plan#free#builds' } }, ConsistentRead: true }));
    assert.equal(Item?.expiresAt, undefined);
    assert.equal(Item?.pinExpiresAt?.S, '2030-01-01T00:00:00.000Z');
  });

  t.test('bumps the revision after every write, but not for deleting nothing', async () => {
    const store = await freshStore();
    const writes: [string, () => Promise<unknown>][] = [
      ['putComponent', () => store.putComponent(component('builds'))],
      ['putVersion', () => store.putVersion(lambdaVersion('builds', '1.0.0'))],
      ['setChannel', () => store.setChannel('builds', 'stable', '1.0.0', AT)],
      ['setChannel again', () => store.setChannel('builds', 'stable', '1.0.0', AT)],
      ['putPin', () => store.putPin({ scope: 'customer', subject: 'acme', component: 'builds', version: '1.0.0', createdAt: AT })],
      ['putCustomer', () => store.putCustomer({ id: 'acme' })],
      ['putProject', () => store.putProject({ id: 'web', customer: 'acme' })],
      ['deletePin', () => store.deletePin('customer', 'acme', 'builds')],
      ['deleteVersion', () => store.deleteVersion('builds', '1.0.0')],
    ];
    let last = await store.revision();
    for (const [name, write] of writes) {
      await write();
      const now = await store.revision();
      assert.ok(now > last, `${name} moved the revision from ${last} to ${now}`);
      last = now;
    }
    assert.equal(await store.deletePin('customer', 'acme', 'builds'), null);
    assert.equal(await store.deleteVersion('builds', '1.0.0'), null);
    assert.equal(await store.revision(), last);
  });

  t.test('setChannel remembers the previous version, and keeps it when re-set to the same version', async () => {
    const store = await freshStore();
    assert.equal(await store.getChannel('builds', 'stable'), null);
    const strip = ({ etag: _etag, ...pointer }: ChannelPointer) => pointer;
    const first = await store.setChannel('builds', 'stable', '1.0.0', '2026-01-01T00:00:00.000Z');
    assert.deepEqual(strip(first.pointer), { component: 'builds', channel: 'stable', version: '1.0.0', updatedAt: '2026-01-01T00:00:00.000Z' });
    assert.equal(first.before, null);
    const moved = await store.setChannel('builds', 'stable', '2.0.0', '2026-01-02T00:00:00.000Z');
    assert.deepEqual(strip(moved.pointer), { component: 'builds', channel: 'stable', version: '2.0.0', previousVersion: '1.0.0', updatedAt: '2026-01-02T00:00:00.000Z' });
    assert.equal(moved.before?.version, '1.0.0');
    const retried = await store.setChannel('builds', 'stable', '2.0.0', '2026-01-03T00:00:00.000Z');
    assert.deepEqual(strip(retried.pointer), { component: 'builds', channel: 'stable', version: '2.0.0', previousVersion: '1.0.0', updatedAt: '2026-01-03T00:00:00.000Z' });
    const rolledBack = await store.setChannel('builds', 'stable', '1.0.0', '2026-01-04T00:00:00.000Z');
    assert.equal(rolledBack.pointer.previousVersion, '2.0.0');
    assert.deepEqual(await store.getChannel('builds', 'stable'), rolledBack.pointer);
  });

  t.test('honours If-Match and If-None-Match, and returns what a write replaced', async () => {
    const store = await freshStore();
    await store.putComponent(component('builds'));
    await store.putVersion(lambdaVersion('builds', '1.0.0'));
    const pin = { scope: 'customer', subject: 'acme', component: 'builds', channel: 'stable', createdAt: AT } as const;
    const created = await store.putPin(pin, { ifNoneMatch: true });
    assert.equal(created.before, null);
    await assert.rejects(store.putPin(pin, { ifNoneMatch: true }), (e: unknown) => isVrouterError(e) && e.code === 'VR_PRECONDITION_FAILED');
    const updated = await store.putPin({ ...pin, channel: 'beta' }, { ifMatch: created.etag });
    assert.equal(updated.before?.channel, 'stable');
    assert.equal(updated.before?.etag, created.etag);
    // The loser of two concurrent edits that both read `created`.
    await assert.rejects(store.putPin({ ...pin, channel: 'experimental' }, { ifMatch: created.etag }), (e: unknown) => isVrouterError(e) && e.code === 'VR_PRECONDITION_FAILED');
    await assert.rejects(store.deletePin('customer', 'acme', 'builds', { ifMatch: created.etag }), (e: unknown) => isVrouterError(e) && e.code === 'VR_PRECONDITION_FAILED');
    assert.equal((await store.getPin('customer', 'acme', 'builds'))?.etag, updated.etag);
    assert.equal(await store.getPin('customer', 'nobody', 'builds'), null);
    const channel = await store.setChannel('builds', 'stable', '1.0.0', AT);
    await assert.rejects(store.setChannel('builds', 'stable', '1.0.0', AT, { ifMatch: 'stale' }), (e: unknown) => isVrouterError(e) && e.code === 'VR_PRECONDITION_FAILED');
    assert.equal((await store.setChannel('builds', 'stable', '1.0.0', AT, { ifMatch: channel.etag })).before?.etag, channel.etag);
  });

  t.test('stores tokens by name with only their hash, and served markers once', async () => {
    const store = await freshStore();
    const token = { name: 'ci', hash: 'a'.repeat(64), scopes: ['events:write' as const], createdAt: AT, createdBy: 'admin' };
    await store.createToken(token);
    await assert.rejects(store.createToken(token), (e: unknown) => isVrouterError(e) && e.code === 'VR_CONFLICT');
    await store.markServed('builds', '2.0.0');
    await store.markServed('builds', '2.0.0');
    const snapshot = await store.loadSnapshot();
    assert.equal(snapshot.tokensByHash.get('a'.repeat(64))?.name, 'ci');
    assert.ok(snapshot.served.has('builds@2.0.0'));
    assert.equal((await store.deleteToken('ci'))?.name, 'ci');
    assert.equal(await store.deleteToken('ci'), null);
    const pins = Array.from({ length: 40 }, (_, i) => ({ scope: 'customer' as const, subject: `c${i}`, component: 'builds', channel: 'beta' as const, createdAt: AT }));
    const before = await store.revision();
    const bulk = await store.putPins(pins);
    assert.equal(bulk.length, 40);
    assert.ok(bulk.every((r) => r.ok));
    assert.equal(await store.revision(), before + 1, 'one revision bump for the whole bulk');
  });

  t.test('creates the signing keys once for every router, loads them into the snapshot, and rotates keeping the previous key', async () => {
    const store = await freshStore();
    const other = new DynamoRoutingConfigStore({ client: table.client, tableName });
    const [a, b] = await Promise.all([store.ensureSigningKeys(), other.ensureSigningKeys()]);
    assert.equal(a.current.secret, b.current.secret, 'concurrent first uses agree on one key');
    assert.equal(Buffer.from(a.current.secret, 'base64url').length, 32);
    assert.equal((await store.loadSnapshot()).signingKeys?.current.id, a.current.id);
    const rotated = await store.rotateSigningKeys();
    assert.notEqual(rotated.current.secret, a.current.secret);
    assert.equal(rotated.previous?.secret, a.current.secret);
    assert.ok(rotated.previous?.retiredAt);
    const snapshot = await store.loadSnapshot();
    assert.equal(snapshot.signingKeys?.current.id, rotated.current.id);
    assert.equal(snapshot.signingKeys?.previous?.id, a.current.id);
    assert.equal((await other.ensureSigningKeys()).current.id, rotated.current.id);
  });

  t.test("keeps a component's chain mode", async () => {
    const store = await freshStore();
    await store.putComponent(component('builds', { chain: 'resolve' }));
    assert.equal((await store.loadSnapshot()).components.get('builds')?.component.chain, 'resolve');
  });

  t.test('deleteComponent removes the component, reports whether it existed, and bumps the revision only then', async () => {
    const store = await freshStore();
    await store.putComponent(component('builds'));
    const before = await store.revision();
    assert.equal((await store.deleteComponent('builds'))?.name, 'builds');
    assert.equal(await store.revision(), before + 1);
    assert.equal((await store.loadSnapshot()).components.has('builds'), false);
    assert.equal(await store.deleteComponent('builds'), null);
    assert.equal(await store.revision(), before + 1, 'deleting nothing changes nothing');
  });

  t.test('deleteVersion and deletePin report whether the item existed', async () => {
    const store = await freshStore();
    await store.putComponent(component('builds'));
    await store.putVersion(lambdaVersion('builds', '1.0.0'));
    await store.putPin({ scope: 'customer', subject: 'acme', component: 'builds', channel: 'stable', createdAt: AT });
    assert.equal((await store.deleteVersion('builds', '1.0.0'))?.name, '1.0.0');
    assert.equal(await store.deleteVersion('builds', '1.0.0'), null);
    assert.equal((await store.deletePin('customer', 'acme', 'builds'))?.subject, 'acme');
    assert.equal(await store.deletePin('customer', 'acme', 'builds'), null);
    const snapshot = await store.loadSnapshot();
    assert.equal(snapshot.components.get('builds')?.versions.size, 0);
    assert.equal(snapshot.pins.size, 0);
  });

  t.test('skips unknown and garbled items instead of failing the load', async () => {
    const store = await freshStore();
    await store.putComponent(component('builds'));
    const raw = async (item: Record<string, unknown>) => {
      await table.client.send(new PutItemCommand({ TableName: tableName, Item: marshall(item) }));
    };
    await raw({ pk: 'CONFIG', sk: 'FEATURE#later', anything: 1 });
    await raw({ pk: 'CONFIG', sk: 'COMPONENT#broken', name: 'broken' });
    await raw({ pk: 'CONFIG', sk: 'VERSION#builds#bad', component: 'builds', name: 'bad', target: { kind: 'carrier-pigeon' }, registeredAt: AT });
    await raw({ pk: 'CONFIG', sk: 'PIN#customer#x#builds', scope: 'customer', subject: 'x', component: 'builds', channel: 'stable', version: '1', createdAt: AT });
    await raw({ pk: 'CONFIG', sk: 'CHANNEL#builds#nightly', component: 'builds', channel: 'nightly', version: '1', updatedAt: AT });
    await table.client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'CONFIG' }, sk: { S: 'CUSTOMER#bin' }, id: { BS: [new Uint8Array([1])] } } }));
    const snapshot = await store.loadSnapshot();
    assert.deepEqual([...snapshot.components.keys()], ['builds']);
    assert.equal(snapshot.components.get('builds')?.versions.size, 0);
    assert.deepEqual(snapshot.components.get('builds')?.channels, {});
    assert.equal(snapshot.pins.size, 0);
    assert.equal(snapshot.customers.size, 0);
  });

  t.test('loads a configuration larger than one Query page', async () => {
    const store = await freshStore();
    // 120 components of 10 KB each exceed the 1 MB a Query page returns.
    const description = 'x'.repeat(10_000);
    for (let i = 0; i < 120; i++) await store.putComponent(component(`c${String(i).padStart(3, '0')}`, { description }));
    const snapshot = await store.loadSnapshot();
    assert.equal(snapshot.components.size, 120);
  });

  t.test('refuses key segments containing "#", which could alias another record', async () => {
    const store = await freshStore();
    await assert.rejects(
      store.putPin({ scope: 'customer', subject: 'a#b', component: 'builds', channel: 'stable', createdAt: AT }),
      (error) => isVrouterError(error) && error.code === 'VR_VALIDATION' && error.field === 'subject',
    );
    assert.equal(await store.revision(), 0);
  });
});
