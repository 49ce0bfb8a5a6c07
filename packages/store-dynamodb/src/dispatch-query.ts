import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { type DispatchPage, type DispatchQuery, type DispatchRecord, ValidationError } from '@vrouter/core';
import type { CursorSigner } from './cursor.js';
import { decodeDispatchItem } from './event-items.js';
import type { Item } from './item.js';
import { allShards } from './keys.js';
import { GSI1, GSI2, GSI3, GSI4, GSI5, GSI6, type IndexKeys, PARTITION_KEY, SHARDS, SORT_KEY } from './schema.js';

type Query = (input: Omit<QueryCommandInput, 'TableName'>) => Promise<QueryCommandOutput>;
/** Reads table items by key, in any order, leaving out those that are gone (event-store.ts readItems). */
type ReadItems = (keys: Item[]) => Promise<Item[]>;

/**
 * A plan: which index, which buckets (time buckets, or one), each read as the union of its shards, and what is left
 * to filter. Buckets are disjoint in time and listed oldest first, so walking them in order keeps the order.
 */
interface Plan {
  index: IndexKeys;
  buckets: string[];
  shards: number;
  filters: { attribute: string; value: string }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Time-bucketed plans walk at most this many buckets per page, so an empty window cannot run away. */
const MAX_BUCKETS = 24 * 31;
/** Queries one page may issue before it returns what it has with a cursor: sharding multiplies queries per bucket. */
const MAX_QUERIES_PER_PAGE = 512;

/**
 * The time buckets of a window, oldest first. A window over MAX_BUCKETS buckets is refused rather than cut: cutting
 * it would silently drop one end of the window (the newest rows, for the default order).
 */
function buckets(from: string, to: string, sizeMs: number, prefix: string, width: number): string[] {
  const start = Math.floor(Date.parse(from) / sizeMs) * sizeMs;
  const count = Math.floor((Date.parse(to) - start) / sizeMs) + 1;
  if (count > MAX_BUCKETS) {
    const unit = sizeMs === HOUR ? 'hours' : 'days';
    throw new ValidationError('from', `The window spans ${count} ${unit}; at most ${MAX_BUCKETS} ${unit} can be listed at once: narrow from/to, or filter by component.`);
  }
  const out: string[] = [];
  for (let t = start; t <= Date.parse(to); t += sizeMs) out.push(`${prefix}${new Date(t).toISOString().slice(0, width)}`);
  return out;
}

/**
 * Chooses the index that leaves the least to filter:
 *   failed + component + customer → gsi5 F#<component>#<customer>
 *   failed + component → gsi6 F#<component>            failed → gsi2 FAILED#<day> per day
 *   component + customer → gsi4                        component → gsi3
 *   anything else → gsi1 DISPATCHES#<hour> per hour
 * Remaining filters are FilterExpressions, whose overhead is bounded by the window.
 */
function plan(q: DispatchQuery): Plan {
  const filters: Plan['filters'] = [];
  const add = (attribute: string, value: string | undefined) => value !== undefined && filters.push({ attribute, value });
  if (q.status === 'failed') {
    add('project', q.project);
    add('version', q.version);
    add('status', 'failed'); // index keys are eventually consistent; the item's own status decides
    if (q.component && q.customer) return { index: GSI5, buckets: [`F#${q.component}#${q.customer}`], shards: SHARDS.failedCustomer, filters };
    add('customer', q.customer);
    if (q.component) return { index: GSI6, buckets: [`F#${q.component}`], shards: SHARDS.failedComponent, filters };
    return { index: GSI2, buckets: buckets(q.from, q.to, DAY, 'FAILED#', 10), shards: SHARDS.failedDay, filters };
  }
  add('status', q.status);
  add('project', q.project);
  add('version', q.version);
  if (q.component && q.customer) return { index: GSI4, buckets: [`D#${q.component}#${q.customer}`], shards: SHARDS.componentCustomer, filters };
  add('customer', q.customer);
  if (q.component) return { index: GSI3, buckets: [`D#${q.component}`], shards: SHARDS.component, filters };
  return { index: GSI1, buckets: buckets(q.from, q.to, HOUR, 'DISPATCHES#', 13), shards: SHARDS.time, filters };
}

/**
 * The partition key values that make up one bucket: its shards, and for a sharded index also the unsharded key that
 * tables written before sharding used, so their rows stay listed until retention removes them (docs/scale.md).
 */
const partitionsOf = (bucket: string, shards: number): string[] => (shards > 1 ? [...allShards(bucket, shards), bucket] : [bucket]);

/**
 * Where one partition stands: not yet read (0), read to the end (1), or read up to the item with this index sort key
 * and table sort key (the table partition key follows from the index sort key, `<time>#<eventRef>`).
 */
type Position = 0 | 1 | [string, string];

interface Cursor {
  bucket: number;
  positions: Position[];
}

const isPosition = (value: unknown): value is Position =>
  value === 0 || value === 1 || (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string' && part.length > 0 && part.length <= 2048));

/** The table partition key of an index entry, from its sort key `<24-char ISO time>#<eventRef>`. */
const partitionOfSortKey = (sortKey: string): string => `EVENT#${sortKey.slice(25)}`;

function decodeCursor(signer: CursorSigner, scope: string, raw: string | undefined, plan: Plan): Cursor {
  if (!raw) return { bucket: 0, positions: [] };
  const value = signer.decode(scope, raw) as Partial<Cursor> | null;
  const bucket = value?.bucket;
  const positions = value?.positions;
  // Signed, so only a bug could make it malformed; checked anyway, because it becomes a DynamoDB start key.
  const valid =
    Number.isInteger(bucket) &&
    bucket! >= 0 &&
    bucket! < plan.buckets.length &&
    Array.isArray(positions) &&
    (positions.length === 0 || positions.length === partitionsOf(plan.buckets[bucket!]!, plan.shards).length) &&
    positions.every(isPosition);
  if (!valid) throw new ValidationError('cursor', 'cursor is not one this API issued for this query.');
  return { bucket: bucket!, positions: positions! };
}

/** One partition of the bucket being merged: what was read and not yet returned, and where to read on from. */
interface Stream {
  partition: string;
  buffer: Item[];
  /** The start key for the next Query; undefined before the first one. */
  next: Item | undefined;
  exhausted: boolean;
  /** Position to save once this page ends. */
  position: Position;
}

const sortKeyOf = (index: IndexKeys, item: Item): string => item[index.sortKey]?.S ?? '';

/**
 * Lists dispatch rows for `q` in the requested order (newest first by default). Each bucket is read from all its shards
 * in parallel and merged by index sort key; the cursor, signed by `signer`, keeps each shard's position. A page reads
 * what it returns plus at most one Query page per shard. Throws ValidationError for a cursor it did not issue for this
 * query, or a reversed window.
 */
export async function listDispatches(query: Query, readItems: ReadItems, signer: CursorSigner, q: DispatchQuery): Promise<DispatchPage> {
  if (Date.parse(q.from) > Date.parse(q.to)) throw new ValidationError('from', 'from must not be after to.');
  const chosen = plan(q);
  const descending = (q.order ?? 'desc') === 'desc';
  const bucketList = descending ? [...chosen.buckets].reverse() : chosen.buckets;
  const scope = JSON.stringify([chosen.index.indexName, bucketList, chosen.shards, chosen.filters, q.from, q.to, descending]);
  const cursor = decodeCursor(signer, scope, q.cursor, { ...chosen, buckets: bucketList });
  const index = chosen.index;
  /** The page's rows in order: each read whole from the index (tables that project everything), or its entry to read. */
  const items: (DispatchRecord | Item)[] = [];
  let scanned = 0;
  let queries = 0;
  const names: Record<string, string> = { '#p': index.partitionKey, '#s': index.sortKey };
  const values: Record<string, { S: string }> = { ':from': { S: new Date(q.from).toISOString() }, ':to': { S: `${new Date(q.to).toISOString()}~` } };
  const conditions = chosen.filters.map((f, i) => {
    names[`#f${i}`] = f.attribute;
    values[`:f${i}`] = { S: f.value };
    return `#f${i} = :f${i}`;
  });

  const read = async (stream: Stream, limit: number): Promise<void> => {
    queries += 1;
    const page = await query({
      IndexName: index.indexName,
      KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':p': { S: stream.partition } },
      ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
      ScanIndexForward: !descending,
      Limit: limit,
      ExclusiveStartKey: stream.next,
    });
    scanned += page.ScannedCount ?? 0;
    stream.buffer.push(...(page.Items ?? []));
    stream.next = page.LastEvaluatedKey;
    if (page.LastEvaluatedKey === undefined) stream.exhausted = true;
    // Everything read so far is either buffered or returned; without a buffer the saved position is where DynamoDB stopped.
    if (stream.buffer.length === 0) stream.position = stream.exhausted ? 1 : [sortKeyOf(index, page.LastEvaluatedKey!), page.LastEvaluatedKey![SORT_KEY]?.S ?? ''];
  };

  let bucket = cursor.bucket;
  let saved = cursor.positions;
  while (bucket < bucketList.length && items.length < q.limit && queries < MAX_QUERIES_PER_PAGE) {
    const streams: Stream[] = partitionsOf(bucketList[bucket]!, chosen.shards).map((partition, i) => {
      const position = saved[i] ?? 0;
      const next = Array.isArray(position)
        ? { [index.partitionKey]: { S: partition }, [index.sortKey]: { S: position[0] }, [PARTITION_KEY]: { S: partitionOfSortKey(position[0]) }, [SORT_KEY]: { S: position[1] } }
        : undefined;
      return { partition, buffer: [], next, exhausted: position === 1, position };
    });
    // k-way merge: a row may be returned only once every unfinished stream has a buffered row to compare it with.
    for (;;) {
      const need = q.limit - items.length;
      const starving = streams.filter((s) => s.buffer.length === 0 && !s.exhausted);
      if (need <= 0 || (starving.length > 0 && queries + starving.length > MAX_QUERIES_PER_PAGE)) break;
      if (starving.length > 0) {
        // Twice a fair share of the page per shard: a shard that runs dry stalls the merge for one more round trip,
        // and with twice its share few do. What is read and not returned is at most this one page per shard.
        const unfinished = streams.filter((s) => !s.exhausted).length;
        const perShard = Math.min(need, Math.ceil((2 * need) / unfinished) + 1);
        await Promise.all(starving.map((s) => read(s, perShard)));
        continue;
      }
      let best: Stream | undefined;
      for (const s of streams) {
        if (s.buffer.length === 0) continue;
        if (best === undefined) best = s;
        else {
          const a = sortKeyOf(index, s.buffer[0]!);
          const b = sortKeyOf(index, best.buffer[0]!);
          if (descending ? a > b : a < b) best = s;
        }
      }
      if (best === undefined) break; // every stream exhausted: the bucket is done
      const item = best.buffer.shift()!;
      items.push(decodeDispatchItem(item) ?? item);
      best.position = best.buffer.length > 0 || !best.exhausted ? [sortKeyOf(index, item), item[SORT_KEY]?.S ?? ''] : 1;
      if (best.buffer.length === 0 && !best.exhausted && best.next !== undefined) {
        // DynamoDB stopped later than the last returned row (filtered-out rows): go on from there, not re-reading them.
        best.position = [sortKeyOf(index, best.next), best.next[SORT_KEY]?.S ?? ''];
      }
    }
    if (streams.every((s) => s.exhausted && s.buffer.length === 0)) {
      bucket += 1;
      saved = [];
    } else {
      saved = streams.map((s) => s.position);
      break;
    }
  }
  const more = bucket < bucketList.length;
  return { items: await wholeRows(items, readItems), scanned, ...(more ? { cursor: signer.encode(scope, { bucket, positions: saved } satisfies Cursor) } : {}) };
}

const rowKey = (item: Item): string => `${item[PARTITION_KEY]?.S}\u0000${item[SORT_KEY]?.S}`;

/**
 * The page's rows as records: an index entry that carries only what queries filter on is read from the table, in one
 * batch for the page; a row gone meanwhile (expired) is left out. Rows keep their order.
 */
async function wholeRows(rows: (DispatchRecord | Item)[], readItems: ReadItems): Promise<DispatchRecord[]> {
  const entries = rows.filter((row): row is Item => !isRecordRow(row));
  if (entries.length === 0) return rows as DispatchRecord[];
  const read = new Map<string, DispatchRecord>();
  for (const item of await readItems(entries.map((entry) => ({ [PARTITION_KEY]: entry[PARTITION_KEY]!, [SORT_KEY]: entry[SORT_KEY]! })))) {
    const record = decodeDispatchItem(item);
    if (record) read.set(rowKey(item), record);
  }
  return rows.flatMap((row) => {
    if (isRecordRow(row)) return [row];
    const record = read.get(rowKey(row));
    return record ? [record] : [];
  });
}

/** A decoded record rather than an index entry: entries are attribute maps, whose `source` is an AttributeValue. */
const isRecordRow = (row: DispatchRecord | Item): row is DispatchRecord => typeof row.source === 'string';
