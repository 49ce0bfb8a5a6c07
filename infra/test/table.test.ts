import assert from 'node:assert/strict';
import t from 'tap';
import { INDEX_ATTRIBUTES, INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '@vrouter/store-dynamodb';
import { only, synth } from './support.js';

t.test('the table', async (t) => {
  const { json } = synth({ tableName: 'vrouter-prod' });
  const table = only(json, 'AWS::DynamoDB::Table');
  const props = table.Properties as {
    KeySchema: { AttributeName: string; KeyType: string }[];
    AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
    GlobalSecondaryIndexes: { IndexName: string; KeySchema: { AttributeName: string; KeyType: string }[]; Projection: { ProjectionType: string; NonKeyAttributes?: string[] } }[];
    [key: string]: unknown;
  };

  t.test("has the store's partition and sort key", async () => {
    assert.deepEqual(props.KeySchema, [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ]);
  });

  t.test("has exactly the store's global secondary indexes, each with its keys and the attributes its queries read", async () => {
    assert.deepEqual(
      props.GlobalSecondaryIndexes.map((index) => index.IndexName),
      INDEXES.map((index) => index.indexName),
    );
    for (const expected of INDEXES) {
      const index = props.GlobalSecondaryIndexes.find((candidate) => candidate.IndexName === expected.indexName)!;
      assert.deepEqual(index.KeySchema, [
        { AttributeName: expected.partitionKey, KeyType: 'HASH' },
        { AttributeName: expected.sortKey, KeyType: 'RANGE' },
      ]);
      assert.deepEqual(index.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: INDEX_ATTRIBUTES[expected.indexName] });
    }
  });

  t.test('keeps whole-item indexes for a table deployed with them', async () => {
    const legacy = only(synth({ tableIndexProjection: 'all' }).json, 'AWS::DynamoDB::Table').Properties as typeof props;
    assert.ok(legacy.GlobalSecondaryIndexes.every((index) => index.Projection.ProjectionType === 'ALL' && index.Projection.NonKeyAttributes === undefined));
  });

  t.test('declares every key attribute as a string, and nothing else', async () => {
    const keys = [PARTITION_KEY, SORT_KEY, ...INDEXES.flatMap((index) => [index.partitionKey, index.sortKey])];
    assert.deepEqual(
      [...props.AttributeDefinitions].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName)),
      keys.sort().map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    );
  });

  t.test('bills on demand, keeps point-in-time recovery, expires items on the TTL attribute', async () => {
    assert.equal(props.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(props.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.deepEqual(props.TimeToLiveSpecification, { AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  t.test('survives deletion: deletion protection on, retained when the stack goes', async () => {
    assert.equal(props.DeletionProtectionEnabled, true);
    assert.equal(table.DeletionPolicy, 'Retain');
  });

  t.test('takes the configured name, which the router gets as VROUTER_TABLE', async () => {
    assert.equal(props.TableName, 'vrouter-prod');
  });
});
