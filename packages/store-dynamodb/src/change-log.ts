import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ConfigChange, ConfigChanges } from '@vrouter/core';
import { decodeConfigItem } from './config-items.js';
import { storeCall } from './errors.js';
import type { Item } from './item.js';
import { CONFIG_PK, changeKey, configRefOf, type ItemKey, keyAttributes } from './keys.js';
import { SORT_KEY } from './schema.js';

/** BatchGetItem takes at most this many keys. */
const BATCH_KEYS = 100;
/** Rounds of retrying keys DynamoDB left unprocessed (throttling) before giving up on incremental reading. */
const UNPROCESSED_ROUNDS = 8;

/**
 * What the revisions after `from` (up to `to`) changed: their change-log entries, then the items they name, all
 * read strongly consistently (BatchGetItem). A revision without an entry (its writer is between its bump and its log,
 * or died there) stops `revision` short of it, though the items of later entries are read too: a writer's own change
 * shows at once even behind another's missing entry. Undefined when the log cannot
 * tell: more than one batch of revisions behind, an entry that says "everything", or reads DynamoDB kept refusing.
 */
export async function readChanges(client: DynamoDBClient, tableName: string, from: number, to: number): Promise<ConfigChanges | undefined> {
  if (to <= from) return { revision: from, changes: [] };
  if (to - from > BATCH_KEYS) return undefined;
  const revisions = Array.from({ length: to - from }, (_, i) => from + 1 + i);
  const entries = await batchGet(client, tableName, revisions.map(changeKey));
  if (entries === undefined) return undefined;
  let reached = from;
  const sortKeys = new Set<string>();
  for (const revision of revisions) {
    const entry = entries.get(changeKey(revision).sk);
    if (entry === undefined) continue;
    if (entry.all?.BOOL === true) return undefined;
    for (const key of entry.keys?.L ?? []) if (key.S !== undefined) sortKeys.add(key.S);
    if (reached === revision - 1) reached = revision;
  }
  const keyed = [...sortKeys].flatMap((sk) => {
    const ref = configRefOf(sk);
    return ref ? [{ sk, ref }] : [];
  });
  const items =
    keyed.length === 0
      ? new Map<string, Item>()
      : await batchGet(
          client,
          tableName,
          keyed.map(({ sk }) => ({ pk: CONFIG_PK, sk })),
        );
  if (items === undefined) return undefined;
  const changes = keyed.map(({ sk, ref }): ConfigChange => {
    const item = items.get(sk);
    // An item that cannot be read is left out of a full load too: to the snapshot it does not exist.
    const record = item === undefined ? undefined : decodeConfigItem(item);
    return record ? { ref, record } : { ref };
  });
  return { revision: reached, changes };
}

/** The items that exist among `keys` (one partition each call), by sort key; undefined when DynamoDB kept some unprocessed. */
async function batchGet(client: DynamoDBClient, tableName: string, keys: ItemKey[]): Promise<Map<string, Item> | undefined> {
  const found = new Map<string, Item>();
  for (let start = 0; start < keys.length; start += BATCH_KEYS) {
    let pending: Item[] | undefined = keys.slice(start, start + BATCH_KEYS).map(keyAttributes);
    for (let round = 0; pending !== undefined && pending.length > 0; round++) {
      if (round === UNPROCESSED_ROUNDS) return undefined;
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** round));
      const request: Item[] = pending;
      const answer = await storeCall(tableName, () => client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } } })));
      for (const item of answer.Responses?.[tableName] ?? []) {
        const sk = item[SORT_KEY]?.S;
        if (sk !== undefined) found.set(sk, item);
      }
      pending = answer.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined;
    }
  }
  return found;
}
