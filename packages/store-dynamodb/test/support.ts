import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
