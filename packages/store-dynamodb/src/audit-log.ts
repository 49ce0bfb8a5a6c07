import { BatchWriteItemCommand, type DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type AuditEntry, type AuditLog, type AuditQuery, backoffDelay, type RetryPolicy, ValidationError, VrouterError } from '@vrouter/core';
import { storeCall } from './errors.js';
import { fieldsOf, type Item, isString } from './item.js';
import { GSI1, GSI2 } from './schema.js';

export interface DynamoAuditLogOptions {
  client: DynamoDBClient;
  tableName: string;
}

/** How far back a query without component or subject walks day partitions, at most. */
const MAX_DAYS = 90;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const BATCH = 25;
const BATCH_ROUNDS = 5;
/** Waits between rounds of unprocessed items (DynamoDB asks for backoff there). */
const UNPROCESSED_RETRY: RetryPolicy = { maxAttempts: BATCH_ROUNDS, baseDelayMs: 50, maxDelayMs: 1000 };

interface Cursor {
  /** The day partition being read, for time-only queries. */
  day?: string;
  key?: Item;
}

const dayOf = (iso: string): string => iso.slice(0, 10);
const previousDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/**
 * The audit log: one item per change, never updated or deleted (no TTL). Partitioned by UTC day for time
 * queries, and indexed by component (gsi1) and subject (gsi2) so those queries read only matching entries.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(private readonly options: DynamoAuditLogOptions) {}

  /** Writes the entries (25 per request), retrying unprocessed ones; throws VR_STORE_UNAVAILABLE if some never land. */
  async append(entries: AuditEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += BATCH) {
      let requests = entries.slice(i, i + BATCH).map((entry) => ({ PutRequest: { Item: this.item(entry) } }));
      for (let round = 0; requests.length > 0; round++) {
        if (round === BATCH_ROUNDS) throw new VrouterError('VR_STORE_UNAVAILABLE', `${requests.length} audit entries could not be written.`);
        const output = await this.call((c) => c.send(new BatchWriteItemCommand({ RequestItems: { [this.options.tableName]: requests } })));
        requests = (output.UnprocessedItems?.[this.options.tableName] ?? []).flatMap((r) => (r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : []));
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, backoffDelay(UNPROCESSED_RETRY, round + 1)));
      }
    }
  }

  /** Newest first, within [since, until]; the cursor is opaque. Throws ValidationError for a cursor it did not issue. */
  async query(query: AuditQuery): Promise<{ entries: AuditEntry[]; cursor?: string }> {
    const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    const until = query.until ?? new Date().toISOString();
    const since = query.since ?? new Date(Date.parse(until) - MAX_DAYS * 86_400_000).toISOString();
    const cursor = decodeCursor(query.cursor);
    const range = { ':since': { S: since }, ':until': { S: `${until}~` } };
    const entries: AuditEntry[] = [];

    if (query.component !== undefined || query.subject !== undefined) {
      const [index, value] = query.component !== undefined ? [GSI1, `AUDIT#C#${query.component}`] : [GSI2, `AUDIT#S#${query.subject}`];
      const alsoSubject = query.component !== undefined && query.subject !== undefined;
      const page = await this.page({
        IndexName: index.indexName,
        KeyConditionExpression: '#p = :p AND #s BETWEEN :since AND :until',
        ExpressionAttributeNames: { '#p': index.partitionKey, '#s': index.sortKey, ...(alsoSubject ? { '#subject': 'subject' } : {}) },
        ExpressionAttributeValues: { ':p': { S: value }, ...range, ...(alsoSubject ? { ':subject': { S: query.subject! } } : {}) },
        ...(alsoSubject ? { FilterExpression: '#subject = :subject' } : {}),
        Limit: limit,
        ExclusiveStartKey: cursor.key,
      });
      return { entries: page.entries, ...(page.next ? { cursor: encodeCursor({ key: page.next }) } : {}) };
    }

    // Time only: walk day partitions from `until` back to `since`.
    let day = cursor.day ?? dayOf(until);
    let key = cursor.key;
    while (day >= dayOf(since) && entries.length < limit) {
      const page = await this.page({
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :since AND :until',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': { S: `AUDIT#${day}` }, ...range },
        Limit: limit - entries.length,
        ExclusiveStartKey: key,
      });
      entries.push(...page.entries);
      if (page.next) {
        key = page.next;
        if (entries.length >= limit) return { entries, cursor: encodeCursor({ day, key }) };
      } else {
        key = undefined;
        day = previousDay(day);
      }
    }
    return { entries, ...(day >= dayOf(since) ? { cursor: encodeCursor({ day }) } : {}) };
  }

  private async page(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ entries: AuditEntry[]; next?: Item }> {
    const output = await this.call((c) => c.send(new QueryCommand({ ...input, TableName: this.options.tableName, ScanIndexForward: false })));
    const entries = (output.Items ?? []).flatMap((item) => {
      const json = fieldsOf(item)?.entry;
      return isString(json) ? [JSON.parse(json) as AuditEntry] : [];
    });
    return { entries, ...(output.LastEvaluatedKey ? { next: output.LastEvaluatedKey } : {}) };
  }

  private item(entry: AuditEntry): Item {
    const sort = `${entry.at}#${entry.id}`;
    return marshall(
      {
        pk: `AUDIT#${dayOf(entry.at)}`,
        sk: sort,
        // The entry as JSON: before/after are arbitrary records, and a string keeps them exactly as written.
        entry: JSON.stringify(entry),
        subject: entry.subject,
        ...(entry.component ? { [GSI1.partitionKey]: `AUDIT#C#${entry.component}`, [GSI1.sortKey]: sort } : {}),
        ...(entry.subject ? { [GSI2.partitionKey]: `AUDIT#S#${entry.subject}`, [GSI2.sortKey]: sort } : {}),
      },
      { removeUndefinedValues: true },
    );
  }

  private call<T>(send: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    return storeCall(this.options.tableName, () => send(this.options.client));
  }
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string | undefined): Cursor {
  if (raw === undefined || raw === '') return {};
  try {
    const cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (typeof cursor !== 'object' || cursor === null || (cursor.day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(cursor.day))) throw new Error('shape');
    return cursor;
  } catch {
    throw new ValidationError('cursor', 'cursor is not one this API issued.');
  }
}
