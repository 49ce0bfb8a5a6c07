import { createDynamoClient, createTable } from '@vrouter/store-dynamodb';
import type { RouterConfig } from './config.js';
import { createRuntime, type Runtime } from './runtime.js';

/** Production mode: AWS settings from the SDK's standard configuration, table from VROUTER_TABLE. */
export async function startServe(config: RouterConfig): Promise<Runtime> {
  const runtime = await createRuntime({ config });
  await runtime.app.listen({ host: config.host, port: config.port });
  return runtime;
}

/** Creates the table and its indexes in whatever DynamoDB the configuration points at; a no-op when it exists. */
export async function createTableCommand(config: RouterConfig): Promise<void> {
  const client = createDynamoClient();
  try {
    await createTable(client, config.tableName);
  } finally {
    client.destroy();
  }
}
