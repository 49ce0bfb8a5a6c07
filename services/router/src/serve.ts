import { createDynamoClient, createTable } from '@vrouter/store-dynamodb';
import type { RouterConfig } from './config.js';
import { logDestination } from './log-format.js';
import { storeClientOptions } from './ingest-runtime.js';
import { createRuntime, type Runtime } from './runtime.js';
import { resolveAdminToken } from './secrets.js';
import { SqsWorker } from './sqs/worker.js';

/**
 * Production mode: AWS settings from the SDK's standard configuration, table from VROUTER_TABLE. With an SQS queue
 * configured (VROUTER_SQS_QUEUE_URL / --sqs-queue-url), also consumes it beside the HTTP API; closing then stops
 * receiving first and finishes the in-flight messages.
 */
export async function startServe(config: RouterConfig): Promise<Runtime> {
  // --- Event bus: admin token from Secrets Manager / SSM, SQS worker ---
  const resolved = await resolveAdminToken(config);
  const logStream = await logDestination(config.logFormat);
  const runtime = await createRuntime({ config: resolved, ...(logStream ? { logStream } : {}) });
  await runtime.app.listen({ host: config.host, port: config.port });
  if (!config.sqsQueueUrl) return runtime;
  const worker = new SqsWorker({
    router: runtime.router,
    queueUrl: config.sqsQueueUrl,
    concurrency: config.sqsConcurrency,
    waitTimeSeconds: config.sqsWaitTimeSeconds,
    visibilityTimeoutSeconds: config.sqsVisibilityTimeoutSeconds,
    paths: config.eventBridgePaths,
    maxMessageBytes: config.maxBodyBytes,
    logger: runtime.app.log,
  });
  worker.start();
  runtime.app.log.info({ queueUrl: config.sqsQueueUrl, concurrency: config.sqsConcurrency }, 'consuming the SQS queue');
  return {
    ...runtime,
    async close() {
      // Received messages' claims are durable before the store closes; their dispatches then finish (or, waiting to
      // retry, hand their claims back) while the runtime closes, and each message is deleted once its outcome is recorded.
      await worker.stopReceiving();
      await Promise.all([worker.stop(), runtime.close()]);
    },
  };
  // --- end of event bus ---
}

/** Creates the table and its indexes in whatever DynamoDB the configuration points at; a no-op when it exists. */
export async function createTableCommand(config: RouterConfig): Promise<void> {
  const client = createDynamoClient(storeClientOptions(config));
  try {
    await createTable(client, config.tableName);
  } finally {
    client.destroy();
  }
}
