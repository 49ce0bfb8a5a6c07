/**
 * The single table behind both stores. Infra (AWS CDK) builds the same table from these constants.
 *
 * Key layout (every key attribute is a string; keys.ts is the only place that builds them):
 *
 *   pk                                      sk                            item
 *   CONFIG                                  REVISION                      `rev` (N), bumped after every config write
 *   CONFIG                                  COMPONENT#<c>                 Component
 *   CONFIG                                  VERSION#<c>#<v>               Version, `target` as a map
 *   CONFIG                                  CHANNEL#<c>#<channel>         ChannelPointer
 *   CONFIG                                  PIN#<scope>#<subject>#<c>     Pin, its expiry in `pinExpiresAt`
 *   CONFIG                                  CUSTOMER#<id>                 Customer
 *   CONFIG                                  PROJECT#<id>                  Project
 *   CONFIG                                  SIGNING_KEYS                  SigningKeys: HMAC keys of override tokens and chain contexts
 *   CONFIG                                  ROLLOUT#<c>                   Rollout (current or last) as a map, `seq` (N) for conditional transitions
 *   CONFIG_CHANGES                          <rev, 15 digits, 0-padded>    change log: `keys` (L of S), the CONFIG sort keys revision <rev>
 *                                                                         changed, or `all` (BOOL) when too many to list; TTL a day
 *   HEALTH#<c>#<shard 0-3>                  <yyyy-mm-ddThh:mm>#<v>        per-minute counters of live outcomes: d, s, f, l0..l12 (N, ADD only)
 *   EVENT#<enc(source)>#<enc(id)>           EVENT                         EventRecord, the CloudEvent as a JSON string: events
 *                                                                         with several components (or none), or too large to carry
 *   EVENT#<enc(source)>#<enc(id)>           DISPATCH#<c>                  DispatchRecord: the idempotency claim; for an event with
 *                                                                         one component it carries the EventRecord's fields too
 *                                                                         (type, components, chain, override, context, event), so
 *                                                                         one write logs and claims it
 *
 *   <s> below is the item's shard: shardOf(pk, SHARDS.<index>) (keys.ts), a hash of the event partition key.
 *   gsi1  DISPATCH items: gsi1pk `DISPATCHES#<yyyy-mm-ddThh>#<s>` (UTC hour of receivedAt),
 *         gsi1sk `<receivedAt>#<enc(source)>#<enc(id)>`: dispatches by time, one hour per Query. EVENT items are in
 *         no index (the log is read through its dispatches); items written by older releases may still carry
 *         `EVENTS#<hour>` keys there, which nothing reads.
 *   gsi3  DISPATCH items: gsi3pk `D#<component>#<s>`, gsi3sk `<receivedAt>#<enc(source)>#<enc(id)>`.
 *   gsi4  DISPATCH items with a customer: gsi4pk `D#<component>#<customer>`, same sort key (unsharded).
 *   gsi5  failed DISPATCH items only (sparse): gsi5pk `F#<component>#<customer>`, same sort key (unsharded).
 *   gsi6  failed DISPATCH items only (sparse): gsi6pk `F#<component>#<s>`, same sort key.
 *   gsi2  failed DISPATCH items also: gsi2pk `FAILED#<yyyy-mm-dd>#<s>`, same sort key (failed events of any component).
 *   gsi2  pending DISPATCH items only (sparse): gsi2pk `LEASES#<s>`, gsi2sk `<leaseUntil>`, so recovery finds claims
 *         whose router died with one small Query per shard instead of a scan.
 *   gsi7  pending DISPATCH items only (sparse; replays' and shadows' too): gsi7pk `PENDING#<s>` (the lease shard),
 *         gsi7sk `<claimedAt>`, removed on completion. Recovery's safety net: it finds pending claims older than a lease
 *         whose gsi2 entry is missing (a store killed between writing an item and its index entry), without a scan.
 *   Every index key above that many writes share is sharded (SHARDS): one partition key takes about 1,000 writes/s,
 *   and a throttled index throttles the table writes behind it. Readers query every shard in parallel and merge by
 *   sort key (dispatch-query.ts). Tables written before sharding hold the same keys without `#<s>`; readers also
 *   query that legacy key, which retention empties (docs/scale.md).
 *   Each index carries only what its queries filter on or read (INDEX_ATTRIBUTES below); listings read their rows
 *   from the table. Tables made before project every attribute (tableDefinition's `projection: 'all'`); readers handle both.
 *   expiresAt  TTL (N, epoch seconds) on EVENT, DISPATCH, HEALTH and CONFIG_CHANGES items only; config never expires.
 *
 * Why this shape:
 * - All routing config shares one partition so a router loads it with one paginated, strongly consistent
 *   Query. Config is written at admin pace, so one partition is not hot; with a million pins it is big, so routers
 *   load it whole only at start and when they cannot tell what changed.
 * - Every config write bumps the revision, then logs the sort keys it changed under CONFIG_CHANGES/<new revision>
 *   (revision.ts). A router behind by a few revisions reads those entries and then just those items, both with a
 *   strongly consistent BatchGetItem (change-log.ts). The log has its own partition so a full load's Query does not
 *   read it; a revision whose entry is missing (a writer that died between bump and log) or trimmed sends routers to
 *   a full load.
 * - Config key segments are validated names (core/names.ts) that cannot contain `#`; keys.ts refuses `#`
 *   anyway, because a `#` inside a segment could make two different records share a key.
 * - Event source and id are arbitrary strings, so they are encodeURIComponent-ed (which never emits `#`):
 *   the event partition key is then unambiguous. An event and its dispatches share the partition, so
 *   getEvent is one Query.
 * - Health counters are added to with UpdateItem ADD (atomic, no read), batched per router: one write per version per
 *   minute per flush. Each router adds to one of HEALTH_SHARDS partitions (chosen at start), so many routers do not
 *   all write one hot key; reading a window is one Query per shard, summed.
 * - A rollout lives in the CONFIG partition so every router's snapshot has it (resolution reads its share from
 *   memory); each transition is a conditional write on `seq`, so exactly one router takes it.
 * - A pin's own expiry is not stored as `expiresAt`: that is the TTL attribute, and TTL must never delete a
 *   pin (resolution reports expired pins to explain its choice).
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type TableDescription,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';

export const DEFAULT_TABLE_NAME = 'vrouter';
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** TTL attribute: epoch seconds (Number). Enable TTL on it in infra; CreateTable cannot. */
export const TTL_ATTRIBUTE = 'expiresAt';
/**
 * How many partition key values each hot index key is spread over. Every router must agree (a writer picks a shard,
 * a reader fans out over all of them), so these are constants of the schema; docs/scale.md has the arithmetic.
 * The shard is a hash of the event's partition key, so every index entry of one event lands on the same shard.
 * A count of 1 keeps the key unsharded (no suffix). Raising a count later is safe for writes and reads: readers
 * query every shard below the new count, and items keep the shard they were written with.
 */
export const SHARDS = {
  /** gsi1 `DISPATCHES#<hour>`: every dispatch of every component in that hour. */
  time: 32,
  /** gsi3 `D#<component>`: every dispatch of one component. */
  component: 32,
  /** gsi4 `D#<component>#<customer>`: one customer's dispatches; 500 customers already spread a burst. */
  componentCustomer: 1,
  /** gsi2 `FAILED#<day>`: every failed dispatch of the day (a failure storm). */
  failedDay: 32,
  /** gsi5 `F#<component>#<customer>`: one customer's failures. */
  failedCustomer: 1,
  /** gsi6 `F#<component>`: failures of one component (a bad version fails all of them). */
  failedComponent: 32,
  /** gsi2 `LEASES#<n>`: every pending claim, written on claim and again on completion. */
  lease: 32,
} as const;

/** Shards of the lease index. */
export const LEASE_SHARDS = SHARDS.lease;
/** Shards of the health counters of each component; readers query every shard, so all routers must agree. */
export const HEALTH_SHARDS = 4;

export interface IndexKeys {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** Dispatches by hour of arrival. */
export const GSI1: IndexKeys = { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' };
/** Pending dispatch claims by lease end (sparse), sharded; failed dispatches by day. */
export const GSI2: IndexKeys = { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' };
/** Dispatches by component, in arrival order. */
export const GSI3: IndexKeys = { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' };
/** Dispatches by component and customer, in arrival order. */
export const GSI4: IndexKeys = { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' };
/** Failed dispatches by component and customer (sparse), in arrival order. */
export const GSI5: IndexKeys = { indexName: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk' };
/** Failed dispatches by component (sparse), in arrival order. */
export const GSI6: IndexKeys = { indexName: 'gsi6', partitionKey: 'gsi6pk', sortKey: 'gsi6sk' };

/** Pending dispatch claims by claim time (sparse), sharded: recovery's safety net beside the lease index. */
export const GSI7: IndexKeys = { indexName: 'gsi7', partitionKey: 'gsi7pk', sortKey: 'gsi7sk' };

export const INDEXES: readonly IndexKeys[] = [GSI1, GSI2, GSI3, GSI4, GSI5, GSI6, GSI7];

/** What a listing filters on (dispatch-query.ts FilterExpressions), and the audit log's entry and its filter. */
const LISTED = ['status', 'project', 'version', 'customer', 'entry', 'subject'];
/** What recovery reads of a pending claim from the lease and pending indexes (expiredClaimsOf). */
const CLAIMED = ['source', 'id', 'component', 'status', 'claimToken', 'leaseUntil', 'replayId', 'shadow'];

/**
 * The non-key attributes each index carries. Only what its queries filter on or read: a listing reads the rows it
 * returns from the table (dispatch-query.ts), so an index entry stays small (one write unit, whatever the event) and
 * an outcome, which changes none of these but `status`, rewrites few entries. Tables made by older releases project
 * everything; readers work with both (a row read whole from the index needs no second read).
 */
export const INDEX_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  gsi1: LISTED,
  gsi2: [...new Set([...LISTED, ...CLAIMED])],
  gsi3: LISTED,
  gsi4: LISTED,
  gsi5: LISTED,
  gsi6: LISTED,
  gsi7: CLAIMED,
};

/** `include`: each index carries INDEX_ATTRIBUTES (the default). `all`: each carries the whole item, as tables made before did. */
export type IndexProjection = 'include' | 'all';

const stringAttribute = (name: string): AttributeDefinition => ({ AttributeName: name, AttributeType: 'S' });

function globalIndex(index: IndexKeys, projection: IndexProjection): GlobalSecondaryIndex {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: projection === 'all' ? { ProjectionType: 'ALL' } : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...(INDEX_ATTRIBUTES[index.indexName] ?? [])] },
  };
}

/**
 * The CreateTable input for the table: on-demand billing, seven GSIs each projecting what its queries read (or,
 * with `projection: 'all'`, everything, for a deployment whose table was made that way). Pure; never throws.
 */
export function tableDefinition(tableName: string = DEFAULT_TABLE_NAME, options: { projection?: IndexProjection } = {}): CreateTableCommandInput {
  const projection = options.projection ?? 'include';
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [PARTITION_KEY, SORT_KEY, ...INDEXES.flatMap((i) => [i.partitionKey, i.sortKey])].map(stringAttribute),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: INDEXES.map((index) => globalIndex(index, projection)),
  };
}

export interface CreateTableOptions {
  /** How long to wait for the table to become ACTIVE; default 60 000 ms. */
  timeoutMs?: number;
}

const POLL_START_MS = 100;
const POLL_MAX_MS = 2_000;

/**
 * Creates the table unless it exists, then waits until it is ACTIVE. Safe to call on every start and
 * concurrently: "already exists" counts as success. It does not enable TTL (not part of CreateTable, and
 * dynalite does not implement UpdateTimeToLive); infra does that.
 * Throws the SDK's error when the table cannot be created or described, and an Error when it is not
 * ACTIVE within `timeoutMs` (for example because it is being deleted).
 */
export async function createTable(client: DynamoDBClient, tableName: string = DEFAULT_TABLE_NAME, options: CreateTableOptions = {}): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    // ResourceInUseException: the table exists or is being created by someone else; either way, wait for it.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let table = await untilActive(client, tableName, deadline, options.timeoutMs ?? 60_000);
  // A table made by an older release lacks later indexes: add them, one per UpdateTable as DynamoDB requires.
  for (const index of INDEXES) {
    if (table.GlobalSecondaryIndexes?.some((existing) => existing.IndexName === index.indexName)) continue;
    const create = (extra: Partial<GlobalSecondaryIndex>) =>
      client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [index.partitionKey, index.sortKey].map(stringAttribute),
          GlobalSecondaryIndexUpdates: [{ Create: { ...globalIndex(index, 'include'), ...extra } }],
        }),
      );
    await create({}).catch((error: unknown) => {
      // DynamoDB refuses throughput on an on-demand table's index; dynalite insists on it. Satisfy whichever answers.
      if (!(error instanceof Error && /provisionedThroughput/i.test(error.message))) throw error;
      return create({ ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
    });
    table = await untilActive(client, tableName, deadline, options.timeoutMs ?? 60_000);
    if (!table.GlobalSecondaryIndexes?.some((existing) => existing.IndexName === index.indexName)) {
      // dynalite accepts the update and ignores it; say what to do instead of failing later on a query.
      throw new Error(
        `Table ${tableName} lacks index ${index.indexName} and this DynamoDB endpoint did not add it. Recreate the table (in dev mode: stop vrouter and delete .vrouter/).`,
      );
    }
  }
}

async function untilActive(client: DynamoDBClient, tableName: string, deadline: number, timeoutMs: number): Promise<TableDescription> {
  for (let delay = POLL_START_MS; ; delay = Math.min(delay * 2, POLL_MAX_MS)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesReady = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === undefined || index.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesReady) return Table;
    if (Date.now() + delay > deadline) {
      throw new Error(`Table ${tableName} is ${Table?.TableStatus ?? 'unknown'}, not ACTIVE, after waiting ${timeoutMs} ms.`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
