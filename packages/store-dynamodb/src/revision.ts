import { type DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { storeCall } from './errors.js';
import { changeKey, type ItemKey, keyAttributes, revisionKey } from './keys.js';
import { TTL_ATTRIBUTE } from './schema.js';

/** A change-log entry lives this long; a router unchecked for longer loads in full (SnapshotCache) and never needs it. */
export const CHANGE_LOG_TTL_SECONDS = 86_400;
/** More keys than this in one write (a bulk beyond any admin request) are logged as "everything": routers load in full. */
export const MAX_LOGGED_KEYS = 2000;

/**
 * Bumps the configuration revision that every router polls, then logs which config items that revision changed, so
 * routers read just those. Always after the write it announces: a router must never see a revision before the write
 * it counts. A writer that dies between the bump and the log leaves a revision without an entry; routers wait a
 * little for it, then load in full. Returns the new revision. Throws VR_STORE_UNAVAILABLE when the store is unreachable.
 */
export async function bumpRevision(client: DynamoDBClient, tableName: string, changed: readonly ItemKey[]): Promise<number> {
  const { Attributes: bumped } = await storeCall(tableName, () =>
    client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: keyAttributes(revisionKey()),
        UpdateExpression: 'ADD #rev :one',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  const revision = Number(bumped?.rev?.N);
  // Without its number the entry cannot be keyed; routers then find the revision unlogged and load in full.
  if (!Number.isSafeInteger(revision)) return 0;
  const keys = [...new Set(changed.map((key) => key.sk))];
  await storeCall(tableName, () =>
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          ...keyAttributes(changeKey(revision)),
          ...(keys.length > MAX_LOGGED_KEYS ? { all: { BOOL: true } } : { keys: { L: keys.map((sk) => ({ S: sk })) } }),
          [TTL_ATTRIBUTE]: { N: String(Math.floor(Date.now() / 1000) + CHANGE_LOG_TTL_SECONDS) },
        },
      }),
    ),
  );
  return revision;
}
