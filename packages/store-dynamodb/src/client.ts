import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoClientOptions {
  /** A local endpoint such as startEmbeddedDynamo's; switches to dummy credentials. */
  endpoint?: string;
  region?: string;
}

/**
 * A DynamoDB client. With `endpoint` it is set up for a local server: static dummy credentials (a local
 * server accepts any) and region us-east-1 unless `region` says otherwise, so no AWS configuration is needed.
 * Without it, the SDK's standard chain applies unchanged (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION, credentials).
 * Never throws; configuration problems surface on the first call.
 */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBClient {
  if (options.endpoint !== undefined) {
    return new DynamoDBClient({
      endpoint: options.endpoint,
      region: options.region ?? 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }
  return new DynamoDBClient(options.region === undefined ? {} : { region: options.region });
}
