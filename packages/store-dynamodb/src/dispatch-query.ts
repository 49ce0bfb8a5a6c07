import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { type DispatchPage, type DispatchQuery, type DispatchRecord, ValidationError } from '@vrouter/core';
import { decodeDispatchItem } from './event-items.js';
import type { Item } from './item.js';
import { type IndexKeys, GSI1, GSI2, GSI3, GSI4, GSI5, GSI6 } from './schema.js';

type Query = (input: Omit<QueryCommandInput, 'TableName'>) => Promise<QueryCommandOutput>;

/** A plan: which index, which partitions (time buckets or one), and what is left to filter. */
interface Plan {
  index: IndexKeys;
  partitions: string[];
  filters: { attribute: string; value: string }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Time-bucketed plans walk at most this many buckets per page, so an empty window cannot run away. */
const MAX_BUCKETS = 24 * 31;

function buckets(from: string, to: string, sizeMs: number, prefix: string, width: number): string[] {
  const out: string[] = [];
  const start = Math.floor(Date.parse(from) / sizeMs) * sizeMs;
  for (let t = start; t <= Date.parse(to) && out.length < MAX_BUCKETS; t += sizeMs) out.push(`${prefix}${new Date(t).toISOString().slice(0, width)}`);
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
    if (q.component && q.customer) return { index: GSI5, partitions: [`F#${q.component}#${q.customer}`], filters };
    add('customer', q.customer);
    if (q.component) return { index: GSI6, partitions: [`F#${q.component}`], filters };
    return { index: GSI2, partitions: buckets(q.from, q.to, DAY, 'FAILED#', 10), filters };
  }
  add('status', q.status);
  add('project', q.project);
  add('version', q.version);
  if (q.component && q.customer) return { index: GSI4, partitions: [`D#${q.component}#${q.customer}`], filters };
  add('customer', q.customer);
  if (q.component) return { index: GSI3, partitions: [`D#${q.component}`], filters };
  return { index: GSI1, partitions: buckets(q.from, q.to, HOUR, 'DISPATCHES#', 13), filters };
}

interface Cursor {
  partition: number;
  key?: Item;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string | undefined): Cursor {
  if (!raw) return { partition: 0 };
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (!Number.isInteger(cursor.partition) || cursor.partition < 0) throw new Error('shape');
    return cursor;
  } catch {
    throw new ValidationError('cursor', 'cursor is not one this API issued.');
  }
}

/**
 * Lists dispatch rows for `q`, reading one index partition at a time in the requested order, and returns an
 * opaque cursor when there is more. Throws ValidationError for a cursor it did not issue or a reversed window.
 */
export async function listDispatches(query: Query, q: DispatchQuery): Promise<DispatchPage> {
  if (Date.parse(q.from) > Date.parse(q.to)) throw new ValidationError('from', 'from must not be after to.');
  const chosen = plan(q);
  const descending = (q.order ?? 'desc') === 'desc';
  const partitions = descending ? [...chosen.partitions].reverse() : chosen.partitions;
  const cursor = decodeCursor(q.cursor);
  const items: DispatchRecord[] = [];
  let scanned = 0;
  const names: Record<string, string> = { '#p': chosen.index.partitionKey, '#s': chosen.index.sortKey };
  const values: Record<string, { S: string }> = { ':from': { S: new Date(q.from).toISOString() }, ':to': { S: `${new Date(q.to).toISOString()}~` } };
  const conditions = chosen.filters.map((f, i) => {
    names[`#f${i}`] = f.attribute;
    values[`:f${i}`] = { S: f.value };
    return `#f${i} = :f${i}`;
  });
  let { partition, key } = cursor;
  while (partition < partitions.length && items.length < q.limit) {
    const page = await query({
      IndexName: chosen.index.indexName,
      KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':p': { S: partitions[partition]! } },
      ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
      ScanIndexForward: !descending,
      Limit: q.limit - items.length,
      ExclusiveStartKey: key,
    });
    scanned += page.ScannedCount ?? 0;
    for (const item of page.Items ?? []) {
      const record = decodeDispatchItem(item);
      if (record) items.push(record);
    }
    key = page.LastEvaluatedKey;
    if (key === undefined) partition += 1;
  }
  const more = partition < partitions.length;
  return { items, scanned, ...(more ? { cursor: encodeCursor({ partition, ...(key ? { key } : {}) }) } : {}) };
}
