import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from './stack.js';

/** A real SQS client aimed at a local endpoint, without retries so failures are crisp. */
export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: 'us-east-1', endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
}

/**
 * A DynamoDB client for the embedded store that, while `throttled` is set, fails every write as DynamoDB does when
 * throttling (ProvisionedThroughputExceededException, after the SDK's retries): what the router must treat as
 * "retry later", not as a bad event.
 */
export function throttlingDynamo(endpoint: string): { client: DynamoDBClient; throttle(on: boolean): void } {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  let throttled = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (throttled && /Put|Update|Write/.test(String(context.commandName))) {
        throw Object.assign(new Error('The level of configured provisioned throughput for the table was exceeded.'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
          $metadata: {},
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'busTestThrottle' },
  );
  return { client, throttle: (on) => (throttled = on) };
}
