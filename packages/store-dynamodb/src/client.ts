import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface DynamoClientOptions {
  /** A local endpoint such as startEmbeddedDynamo's; switches to dummy credentials. */
  endpoint?: string;
  region?: string;
  /**
   * Longest a request may wait for an answer, per attempt; default 500 ms. A stalled store (one that accepts the
   * connection and never answers) must fail fast: callers answer 503 and retry, they never hang.
   */
  requestTimeoutMs?: number;
  /** Longest to wait for a TCP connection; default 500 ms. */
  connectionTimeoutMs?: number;
  /** SDK attempts per call (1 = no SDK retry); default 2. A stalled store fails a call after about requestTimeoutMs × maxAttempts. */
  maxAttempts?: number;
}

export const DEFAULT_STORE_REQUEST_TIMEOUT_MS = 500;
export const DEFAULT_STORE_CONNECTION_TIMEOUT_MS = 500;
export const DEFAULT_STORE_MAX_ATTEMPTS = 2;

/**
 * A DynamoDB client with connection and request timeouts. With `endpoint` it is set up for a local server: static
 * dummy credentials (a local server accepts any) and region us-east-1 unless `region` says otherwise, so no AWS
 * configuration is needed. Without it, the SDK's standard chain applies (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION,
 * credentials). Never throws; configuration problems surface on the first call.
 */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBClient {
  const requestHandler = new NodeHttpHandler({
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_STORE_REQUEST_TIMEOUT_MS,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_STORE_CONNECTION_TIMEOUT_MS,
    // Without it the handler only logs a warning when the timeout passes, and the call waits on a stalled store.
    throwOnRequestTimeout: true,
  });
  const common = { requestHandler, maxAttempts: options.maxAttempts ?? DEFAULT_STORE_MAX_ATTEMPTS };
  if (options.endpoint !== undefined) {
    return new DynamoDBClient({
      ...common,
      endpoint: options.endpoint,
      region: options.region ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }
  return new DynamoDBClient(options.region === undefined ? common : { ...common, region: options.region });
}
