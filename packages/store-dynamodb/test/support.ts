import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DispatchRecord, idempotencyKey } from '@vrouter/core';
import { DynamoEventStore } from '../src/event-store.js';
import { createDynamoClient } from '../src/client.js';
import { type EmbeddedDynamo, type EmbeddedDynamoOptions, startEmbeddedDynamo } from '../src/embedded.js';
import { createTable } from '../src/schema.js';

export interface TestTable {
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/**
 * Which DynamoDB-compatible server the suite runs against: dynalite (embedded, the default) or, when the test
 * script started one (test/with-dynamodb-local.ts), AWS's DynamoDB Local at this endpoint.
 */
export const DYNAMODB_LOCAL_ENDPOINT = process.env.VROUTER_TEST_DYNAMODB_LOCAL;
export const STORE_UNDER_TEST: 'dynalite' | 'dynamodb-local' = DYNAMODB_LOCAL_ENDPOINT ? 'dynamodb-local' : 'dynalite';

/** Generous timeouts: the servers share a loaded machine; the store's own defaults are for DynamoDB. */
const TEST_CLIENT = { requestTimeoutMs: 10_000, maxAttempts: 3 };

/** A table on a real server, for one test file: a fresh dynalite, or a fresh table on the shared DynamoDB Local. */
export async function startTestTable(options: EmbeddedDynamoOptions = {}, tableName = 'vrouter-test'): Promise<TestTable> {
  if (DYNAMODB_LOCAL_ENDPOINT) {
    const client = createDynamoClient({ endpoint: DYNAMODB_LOCAL_ENDPOINT, ...TEST_CLIENT });
    const name = `${tableName}-${randomUUID()}`;
    await createTable(client, name);
    return {
      client,
      tableName: name,
      async close() {
        client.destroy();
      },
    };
  }
  const dynamo: EmbeddedDynamo = await startEmbeddedDynamo(options);
  const client = createDynamoClient({ endpoint: dynamo.endpoint, ...TEST_CLIENT });
  await createTable(client, tableName);
  return {
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
