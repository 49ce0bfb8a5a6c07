import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exampleHandler, LocalLambdaServer } from '@vrouter/local-targets';
import { createRuntime, EXAMPLE_COMPONENT, loadConfig, seedExample } from '@vrouter/router';
import { createDynamoClient, createTable } from '@vrouter/store-dynamodb';
import { startEmbeddedDynamo } from '@vrouter/store-dynamodb/embedded';

const run = promisify(execFile);
const INVOKER = fileURLToPath(new URL('./fixtures/invoke-handler.mjs', import.meta.url));
const TABLE = 'vrouter-bundle';

/** The example functions dev mode serves (see the router's seed): name, qualifier, component, version. */
const FUNCTIONS = [
  ['release-coordinator', '1', EXAMPLE_COMPONENT, 'v1'],
  ['release-coordinator', '2', EXAMPLE_COMPONENT, 'v2'],
  ['release-coordinator', '3', EXAMPLE_COMPONENT, 'v3'],
  ['builder', '7', 'builder', 'v7'],
] as const;

export interface HandlerAnswer {
  readonly importMs: number;
  readonly firstEventMs: number;
  readonly result: unknown;
}

/**
 * What a deployed router function talks to, on loopback: the embedded store with the example configuration, and
 * the local Lambda endpoint serving the example versions. `invoke` runs a bundled handler in a fresh node process
 * pointed at both through the AWS SDK's standard variables, as Lambda would (no AWS account, no network).
 */
export interface LambdaWorld {
  readonly lambda: LocalLambdaServer;
  /** `env` adds variables, e.g. NODE_OPTIONS to load the telemetry bootstrap as the functions do. */
  invoke(bundle: string, event: unknown, env?: Record<string, string>): Promise<HandlerAnswer & { stdout: string }>;
  close(): Promise<void>;
}

export async function startLambdaWorld(): Promise<LambdaWorld> {
  const store = await startEmbeddedDynamo();
  const lambda = new LocalLambdaServer({ port: 0 });
  for (const [name, qualifier, component, version] of FUNCTIONS) lambda.register(name, qualifier, exampleHandler(component, version));
  const { url: lambdaUrl } = await lambda.start();
  const dynamo = createDynamoClient({ endpoint: store.endpoint });
  await createTable(dynamo, TABLE);
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const runtime = await createRuntime({
    config: { ...loadConfig({ VROUTER_TABLE: TABLE, VROUTER_LOG_LEVEL: 'silent' }), adminToken: undefined },
    dynamo,
    lambda: { endpoint: lambdaUrl, region: 'us-east-1', credentials },
    authenticator: { authenticate: async () => null },
  });
  await seedExample(runtime.admin);
  await runtime.close();
  const env = {
    PATH: process.env.PATH,
    VROUTER_TABLE: TABLE,
    VROUTER_LOG_LEVEL: 'silent',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
  };
  return {
    lambda,
    async invoke(bundle, event, extra = {}) {
      const { stdout } = await run(process.execPath, [INVOKER, bundle, JSON.stringify(event)], { env: { ...env, ...extra }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
      return { ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as HandlerAnswer), stdout };
    },
    async close() {
      dynamo.destroy();
      await lambda.stop();
      await store.close();
    },
  };
}

/** An EventBridge custom event for acme (on stable: release-coordinator v1), with a fresh id. */
export function eventBridgeEvent(): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'release.requested',
    source: 'com.example.releases',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { customerId: 'acme', release: '1.2.3' },
  };
}

/** An SQS event of one message whose body is a structured CloudEvent for acme, with fresh ids. */
export function sqsEvent(): Record<string, unknown> {
  const body = JSON.stringify({ specversion: '1.0', id: randomUUID(), source: '/bundle-test', type: 'release.requested', customerid: 'acme', data: { release: '1.2.3' } });
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: 'AQEB',
        body,
        attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:vrouter',
        awsRegion: 'us-east-1',
      },
    ],
  };
}
