import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { storeCall } from './errors.js';
import { keyAttributes, revisionKey } from './keys.js';

/**
 * Bumps the configuration revision that every router polls. Always after the write it announces: a router must never
 * see a revision before the write it counts. Throws VR_STORE_UNAVAILABLE when the store is unreachable.
 */
export async function bumpRevision(client: DynamoDBClient, tableName: string): Promise<void> {
  await storeCall(tableName, () =>
    client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: keyAttributes(revisionKey()),
        UpdateExpression: 'ADD #rev :one',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    ),
  );
}
