import assert from 'node:assert/strict';
import t from 'tap';
import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../src/embedded.js';
import { createDynamoClient, createTable, DEFAULT_TABLE_NAME, GSI1, GSI2, LEASE_SHARDS, SHARDS, tableDefinition, TTL_ATTRIBUTE } from '../src/index.js';
import { shardedKey, shardOf } from '../src/keys.js';

t.test('tableDefinition', async (t) => {
  t.test('describes one on-demand table with pk/sk and seven GSIs, each projecting what its queries read', async () => {
    const definition = tableDefinition('t1');
    assert.equal(definition.TableName, 't1');
    assert.equal(definition.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(definition.KeySchema, [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    assert.deepEqual(
      definition.AttributeDefinitions?.map((a) => `${a.AttributeName}:${a.AttributeType}`),
      [
        'pk:S',
        'sk:S',
        'gsi1pk:S',
        'gsi1sk:S',
        'gsi2pk:S',
        'gsi2sk:S',
        'gsi3pk:S',
        'gsi3sk:S',
        'gsi4pk:S',
        'gsi4sk:S',
        'gsi5pk:S',
        'gsi5sk:S',
        'gsi6pk:S',
        'gsi6sk:S',
        'gsi7pk:S',
        'gsi7sk:S',
      ],
    );
    assert.deepEqual(
      definition.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.KeySchema?.map((k) => k.AttributeName), index.Projection?.ProjectionType]),
      [
        ['gsi1', ['gsi1pk', 'gsi1sk'], 'INCLUDE'],
        ['gsi2', ['gsi2pk', 'gsi2sk'], 'INCLUDE'],
        ['gsi3', ['gsi3pk', 'gsi3sk'], 'INCLUDE'],
        ['gsi4', ['gsi4pk', 'gsi4sk'], 'INCLUDE'],
        ['gsi5', ['gsi5pk', 'gsi5sk'], 'INCLUDE'],
        ['gsi6', ['gsi6pk', 'gsi6sk'], 'INCLUDE'],
        ['gsi7', ['gsi7pk', 'gsi7sk'], 'INCLUDE'],
      ],
    );
    const projected = (name: string) => definition.GlobalSecondaryIndexes?.find((index) => index.IndexName === name)?.Projection?.NonKeyAttributes ?? [];
    // Never the event, its answer or its history: an entry stays one write unit, whatever the event.
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      for (const heavy of ['event', 'eventGz', 'response', 'history', 'context', 'lastError'])
        assert.ok(!index.Projection?.NonKeyAttributes?.includes(heavy), `${index.IndexName}: ${heavy}`);
    }
    assert.deepEqual(projected('gsi1'), ['status', 'project', 'version', 'customer', 'entry', 'subject']);
    assert.ok(['claimToken', 'leaseUntil', 'source', 'id', 'component'].every((name) => projected('gsi7').includes(name)));
    // DynamoDB allows 100 projected attributes across a table's indexes.
    assert.ok((definition.GlobalSecondaryIndexes ?? []).reduce((n, index) => n + (index.Projection?.NonKeyAttributes?.length ?? 0), 0) <= 100);
    assert.ok(tableDefinition('t1', { projection: 'all' }).GlobalSecondaryIndexes?.every((index) => index.Projection?.ProjectionType === 'ALL'));
  });

  t.test('exports the names infra needs', async () => {
    assert.equal(DEFAULT_TABLE_NAME, 'vrouter');
    assert.equal(TTL_ATTRIBUTE, 'expiresAt');
    assert.deepEqual(GSI1, { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' });
    assert.deepEqual(GSI2, { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' });
    assert.equal(tableDefinition().TableName, 'vrouter');
    assert.equal(LEASE_SHARDS, SHARDS.lease);
    for (const [index, count] of Object.entries(SHARDS)) assert.ok(Number.isInteger(count) && count >= 1, `${index}: ${count}`);
  });

  t.test('shards by a stable hash of the event key, spread evenly, and leaves a count of 1 unsharded', async () => {
    // Every router must compute the same shard for the same key, in every release: a changed hash would not lose rows
    // (readers query every shard) but would split one event's entries across shards.
    assert.equal(shardOf('EVENT#%2Fe2e#e-1', 32), shardOf('EVENT#%2Fe2e#e-1', 32));
    assert.equal(shardOf('EVENT#a#b', 1), 0);
    assert.equal(shardedKey('D#svc', 0, 1), 'D#svc');
    assert.equal(shardedKey('D#svc', 7, 32), 'D#svc#7');
    const counts = new Array<number>(32).fill(0);
    for (let i = 0; i < 32_000; i++) counts[shardOf(`EVENT#%2Fsrc#event-${i}`, 32)]! += 1;
    // 1,000 expected per shard; a binomial spread keeps every shard within ±15% with overwhelming probability.
    assert.ok(Math.min(...counts) > 850 && Math.max(...counts) < 1150, `shard counts ${Math.min(...counts)}..${Math.max(...counts)}`);
  });
});

t.test('createTable', async (t) => {
  let dynamo: EmbeddedDynamo;
  let client: ReturnType<typeof createDynamoClient>;

  t.before(async () => {
    dynamo = await startEmbeddedDynamo();
    client = createDynamoClient({ endpoint: dynamo.endpoint });
  });
  t.teardown(async () => {
    client.destroy();
    await dynamo.close();
  });

  t.test('creates the table ACTIVE with every index', async () => {
    await createTable(client, 'created');
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'created' }));
    assert.equal(Table?.TableStatus, 'ACTIVE');
    assert.deepEqual(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort(), ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5', 'gsi6', 'gsi7']);
  });

  // DynamoDB adds the missing indexes with UpdateTable; dynalite ignores index creation, so here the
  // promise is the other half: a clear error instead of a query failing later.
  t.test('adds the indexes a table made by an older release lacks, or says why it cannot', async () => {
    const old = tableDefinition('older');
    await client.send(
      new CreateTableCommand({
        ...old,
        AttributeDefinitions: old.AttributeDefinitions?.filter((a) => /^(pk|sk|gsi1|gsi2)/.test(a.AttributeName ?? '')),
        GlobalSecondaryIndexes: old.GlobalSecondaryIndexes?.slice(0, 2),
      }),
    );
    await assert.rejects(createTable(client, 'older'), /lacks index gsi3 .* delete \.vrouter/);
  });

  t.test('is idempotent, also when called concurrently', async () => {
    await createTable(client, 'twice');
    await createTable(client, 'twice');
    await Promise.all([createTable(client, 'racing'), createTable(client, 'racing'), createTable(client, 'racing')]);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'racing' }));
    assert.equal(Table?.TableStatus, 'ACTIVE');
  });

  t.test('leaves TTL to infra (dynalite does not implement UpdateTimeToLive)', async () => {
    await createTable(client, 'ttl');
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: 'ttl' }));
    assert.equal(TimeToLiveDescription?.TimeToLiveStatus, 'DISABLED');
  });
});

t.test('createDynamoClient', async (t) => {
  t.test('with an endpoint, uses that endpoint, us-east-1 and dummy credentials', async () => {
    const client = createDynamoClient({ endpoint: 'http://127.0.0.1:1' });
    try {
      assert.equal(await client.config.region(), 'us-east-1');
      const credentials = await client.config.credentials();
      assert.equal(credentials.accessKeyId, 'local');
      const endpoint = await client.config.endpoint?.();
      assert.equal(endpoint?.hostname, '127.0.0.1');
      assert.equal(endpoint?.port, 1);
    } finally {
      client.destroy();
    }
  });

  t.test('without an endpoint, keeps the region it is given', async () => {
    const client = createDynamoClient({ region: 'eu-west-1' });
    try {
      assert.equal(await client.config.region(), 'eu-west-1');
    } finally {
      client.destroy();
    }
  });
});
