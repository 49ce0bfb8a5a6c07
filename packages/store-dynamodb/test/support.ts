import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DispatchRecord, idempotencyKey } from '@vrouter/core';
import { DynamoEventStore } from '../src/event-store.js';
import { createDynamoClient } from '../src/client.js';
import { type EmbeddedDynamo, type EmbeddedDynamoOptions, startEmbeddedDynamo } from '../src/embedded.js';
import { createTable } from '../src/schema.js';

export interface TestTable {
  dynamo: EmbeddedDynamo;
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/** A real dynalite with the table created, for one test file. */
export async function startTestTable(options: EmbeddedDynamoOptions = {}, tableName = 'vrouter-test'): Promise<TestTable> {
  const dynamo = await startEmbeddedDynamo(options);
  const client = createDynamoClient({ endpoint: dynamo.endpoint });
  await createTable(client, tableName);
  return {
    dynamo,
    client,
    tableName,
    async close() {
      // The client first: its keep-alive sockets would otherwise hold the server open.
      client.destroy();
      await dynamo.close();
    },
  };
}

/** A DynamoEventStore on a fresh table for the test `t` (its hooks); read it inside `t`'s subtests. */
export function eventStoreFixture(t: Test): { readonly store: DynamoEventStore; readonly table: TestTable } {
  const fixture = {} as { store: DynamoEventStore; table: TestTable };
  t.before(async () => {
    fixture.table = await startTestTable();
    fixture.store = new DynamoEventStore({ client: fixture.table.client, tableName: fixture.table.tableName });
  });
  t.teardown(() => fixture.table.close());
  return fixture;
}

/** A pending dispatch claim of `svc` with a fresh token and a 30 s lease; `extra` overrides any field. */
export function pendingDispatch(source: string, id: string, extra: Partial<DispatchRecord> = {}): DispatchRecord {
  const now = new Date().toISOString();
  return {
    source,
    id,
    component: 'svc',
    idempotencyKey: idempotencyKey(source, id, 'svc'),
    status: 'pending',
    version: 'v1',
    channel: 'stable',
    pin: null,
    pinSource: 'default',
    attempts: 0,
    claimedAt: now,
    updatedAt: now,
    leaseUntil: new Date(Date.now() + 30_000).toISOString(),
    claimToken: randomUUID(),
    ...extra,
  };
}
