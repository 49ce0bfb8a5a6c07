import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import t from 'tap';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { isVrouterError } from '@vrouter/core';
import { createDynamoClient, createTable, DynamoEventStore, DynamoRoutingConfigStore } from '../src/index.js';
import { startEmbeddedDynamo } from '../src/embedded.js';

const AT = '2026-01-31T12:00:00.000Z';

const isUnavailable = (error: unknown): boolean => isVrouterError(error) && error.code === 'VR_STORE_UNAVAILABLE';

t.test('startEmbeddedDynamo', async (t) => {
  let dir: string;

  t.before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vrouter-dynalite-'));
  });
  t.teardown(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  t.test('listens on a random loopback port by default', async () => {
    const dynamo = await startEmbeddedDynamo();
    try {
      assert.match(dynamo.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(dynamo.endpoint, 'http://127.0.0.1:0');
    } finally {
      await dynamo.close();
    }
    // close is idempotent.
    await dynamo.close();
  });

  t.test('with a path, keeps data across a close and a restart on the same path', async () => {
    const path = join(dir, 'db');
    const first = await startEmbeddedDynamo({ path });
    let client = createDynamoClient({ endpoint: first.endpoint });
    await createTable(client, 'persisted');
    let config = new DynamoRoutingConfigStore({ client, tableName: 'persisted' });
    await config.putComponent({ name: 'builds', subscriptions: ['*'], createdAt: AT, updatedAt: AT });
    await config.setChannel('builds', 'stable', '1.0.0', AT);
    let events = new DynamoEventStore({ client, tableName: 'persisted' });
    await events.recordEvent({
      source: 'urn:ci',
      id: 'e1',
      type: 'build.started',
      receivedAt: AT,
      components: ['builds'],
      event: { specversion: '1.0', id: 'e1', source: 'urn:ci', type: 'build.started' },
    });
    const revision = await config.revision();
    client.destroy();
    await first.close();

    const second = await startEmbeddedDynamo({ path });
    try {
      client = createDynamoClient({ endpoint: second.endpoint });
      await createTable(client, 'persisted');
      config = new DynamoRoutingConfigStore({ client, tableName: 'persisted' });
      events = new DynamoEventStore({ client, tableName: 'persisted' });
      const snapshot = await config.loadSnapshot();
      assert.equal(snapshot.revision, revision);
      assert.deepEqual(snapshot.components.get('builds')?.channels, { stable: '1.0.0' });
      assert.equal((await events.getEvent('urn:ci', 'e1'))?.event.type, 'build.started');
      assert.equal(
        await events.recordEvent({ source: 'urn:ci', id: 'e1', type: 'x', receivedAt: AT, components: [], event: { specversion: '1.0', id: 'e1', source: 'urn:ci', type: 'x' } }),
        false,
      );
    } finally {
      client.destroy();
      await second.close();
    }
  });

  t.test('refuses a path another server is using, instead of crashing on the first request', async () => {
    const path = join(dir, 'locked');
    const first = await startEmbeddedDynamo({ path });
    try {
      await assert.rejects(startEmbeddedDynamo({ path }), /another server is using it/);
    } finally {
      await first.close();
    }
    // Free again once the first has closed.
    const again = await startEmbeddedDynamo({ path });
    await again.close();
  });

  t.test('refuses a path a server in another process holds, as soon as that server has started', async (t) => {
    const path = join(dir, 'held-elsewhere');
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
        import { startEmbeddedDynamo } from ${JSON.stringify(new URL('../src/embedded.ts', import.meta.url).href)};
        await startEmbeddedDynamo({ path: ${JSON.stringify(path)} });
        process.stdout.write('started\\n');
        process.stdin.resume();
        process.stdin.on('end', () => process.exit(0));
      `,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    t.teardown(() => {
      holder.kill();
    });
    const [line] = (await once(createInterface({ input: holder.stdout }), 'line')) as [string];
    assert.equal(line, 'started');
    await assert.rejects(startEmbeddedDynamo({ path }), /another server is using it/);
    holder.stdin.end();
    await once(holder, 'exit');
    const free = await startEmbeddedDynamo({ path });
    await free.close();
  });

  t.test('rejects when the port is taken', async () => {
    const first = await startEmbeddedDynamo();
    try {
      const port = Number(new URL(first.endpoint).port);
      await assert.rejects(startEmbeddedDynamo({ port }), (error) => (error as { code?: string }).code === 'EADDRINUSE');
    } finally {
      await first.close();
    }
  });

  t.test('without a path, starts empty every time', async () => {
    const dynamo = await startEmbeddedDynamo();
    const client = createDynamoClient({ endpoint: dynamo.endpoint });
    try {
      const { TableNames } = await client.send(new ListTablesCommand({}));
      assert.deepEqual(TableNames, []);
    } finally {
      client.destroy();
      await dynamo.close();
    }
  });
});

t.test('store errors', async (t) => {
  t.test('a missing table is VR_STORE_UNAVAILABLE', async () => {
    const dynamo = await startEmbeddedDynamo();
    const client = createDynamoClient({ endpoint: dynamo.endpoint });
    try {
      await assert.rejects(new DynamoRoutingConfigStore({ client, tableName: 'missing' }).revision(), isUnavailable);
      await assert.rejects(new DynamoEventStore({ client, tableName: 'missing' }).getEvent('s', 'i'), isUnavailable);
    } finally {
      client.destroy();
      await dynamo.close();
    }
  });

  t.test('an unreachable endpoint is VR_STORE_UNAVAILABLE, with the network error as cause', async () => {
    const dynamo = await startEmbeddedDynamo();
    await dynamo.close();
    // Nothing listens there any more; one attempt keeps the test fast.
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      await assert.rejects(new DynamoRoutingConfigStore({ client, tableName: 't' }).loadSnapshot(), (error) => {
        assert.ok(isUnavailable(error));
        assert.ok(error instanceof Error && error.cause !== undefined);
        return true;
      });
      const store = new DynamoEventStore({ client, tableName: 't' });
      await assert.rejects(
        store.claimDispatch({
          source: 's',
          id: 'i',
          component: 'c',
          idempotencyKey: 'k',
          status: 'pending',
          version: null,
          channel: null,
          pin: null,
          pinSource: null,
          attempts: 0,
          claimedAt: AT,
          updatedAt: AT,
        }),
        isUnavailable,
      );
    } finally {
      client.destroy();
    }
  });
});
