import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Item } from './item.js';
import { EVENT_SK, SK_PREFIX, shardOf } from './keys.js';
import { GSI1, GSI2, GSI3, GSI4, GSI5, GSI6, type IndexKeys, LEASE_SHARDS, PARTITION_KEY, SORT_KEY } from './schema.js';

/** How the writes of a table spread over partition key values, for one index (or the table itself). */
export interface KeyShare {
  /** `table`, an index name, or `gsi2 leases` (the lease entries, which completed claims no longer hold). */
  index: string;
  /** Items in the index (for `gsi2 leases`: claims that passed through it). */
  items: number;
  /** Distinct partition key values. */
  keys: number;
  hottestKey: string;
  /** Items under the hottest key. */
  hottestItems: number;
  /** hottestItems / items. */
  share: number;
  /** Writes the hottest key took for those items: a claim writes a dispatch entry and its completion rewrites it. */
  hottestWrites: number;
}

export interface KeySharesOptions {
  /** Fold every sharded key back onto the key it was sharded from: what the layout before sharding would have written. */
  unsharded?: boolean;
  /** Lease shards to assume; default LEASE_SHARDS. */
  leaseShards?: number;
}

/** Indexes whose partition keys carry a `#<shard>` suffix. gsi4 and gsi5 end in a customer id, which may be numeric. */
const SHARDED: readonly IndexKeys[] = [GSI1, GSI2, GSI3, GSI6];

const EVENT_PARTITION_PREFIX = 'EVENT#';

/**
 * Scans the whole table and reports, per index, how much of the event log's writes landed on its hottest partition key.
 * A diagnostic for benchmarks and load tests (a Scan reads everything: never run it against production traffic).
 * Throws the SDK's error when the table cannot be scanned.
 */
export async function measureKeyShares(client: DynamoDBClient, tableName: string, options: KeySharesOptions = {}): Promise<KeyShare[]> {
  const tallies = new Map<string, Map<string, { items: number; writes: number }>>();
  const count = (index: string, key: string, writes: number) => {
    const byKey = tallies.get(index) ?? new Map<string, { items: number; writes: number }>();
    tallies.set(index, byKey);
    const tally = byKey.get(key) ?? { items: 0, writes: 0 };
    tally.items += 1;
    tally.writes += writes;
    byKey.set(key, tally);
  };
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) tallyItem(item, count, options);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  const order = ['table', ...[GSI1, GSI2, GSI3, GSI4, GSI5, GSI6].map((i) => i.indexName), 'gsi2 leases'];
  return order.flatMap((index) => {
    const byKey = tallies.get(index);
    if (!byKey) return [];
    let items = 0;
    let hottest: [string, { items: number; writes: number }] = ['', { items: 0, writes: 0 }];
    for (const entry of byKey) {
      items += entry[1].items;
      if (entry[1].items > hottest[1].items) hottest = entry;
    }
    return [{ index, items, keys: byKey.size, hottestKey: hottest[0], hottestItems: hottest[1].items, share: hottest[1].items / items, hottestWrites: hottest[1].writes }];
  });
}

function tallyItem(item: Item, count: (index: string, key: string, writes: number) => void, options: KeySharesOptions): void {
  const pk = item[PARTITION_KEY]?.S ?? '';
  // Config and audit items are written at admin pace, not per event; docs/scale.md counts them apart.
  if (!pk.startsWith(EVENT_PARTITION_PREFIX)) return;
  const sk = item[SORT_KEY]?.S ?? '';
  const isDispatch = sk.startsWith(SK_PREFIX.dispatch) || sk.startsWith(SK_PREFIX.replay) || sk.startsWith(SK_PREFIX.shadow);
  // The event record is written once; a dispatch record by its claim and again by its completion (and every
  // update rewrites an index entry that projects all attributes).
  const lifeWrites = sk === EVENT_SK ? 1 : isDispatch ? 2 : 1;
  count('table', pk, lifeWrites);
  for (const index of [GSI1, GSI2, GSI3, GSI4, GSI5, GSI6]) {
    const value = item[index.partitionKey]?.S;
    if (value === undefined) continue;
    const key = options.unsharded && SHARDED.includes(index) && !value.startsWith('LEASES#') ? value.replace(/#\d+$/, '') : value;
    // Failed entries arrive with the completion that failed the dispatch: one write.
    const failedEntry = index === GSI5 || index === GSI6 || (index === GSI2 && value.startsWith('FAILED#'));
    count(index.indexName, key, failedEntry ? 1 : lifeWrites);
  }
  // Completed claims have left the lease index, so where they were is recomputed from their key: added on claim, removed on completion.
  if (sk.startsWith(SK_PREFIX.dispatch)) count('gsi2 leases', `LEASES#${shardOf(pk, options.leaseShards ?? LEASE_SHARDS)}`, 2);
}
