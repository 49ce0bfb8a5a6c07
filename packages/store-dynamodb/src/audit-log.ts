import { BatchWriteItemCommand, type DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type AuditEntry, type AuditLog, type AuditQuery, backoffDelay, type RetryPolicy, ValidationError, VrouterError } from '@vrouter/core';
import { CursorSigner } from './cursor.js';
import { storeCall } from './errors.js';
import { fieldsOf, type Item, isString } from './item.js';
import { GSI1, GSI2 } from './schema.js';

export interface DynamoAuditLogOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Signs page cursors; every router of a deployment must share it (see CursorSigner). Default: a random key. */
  cursorKey?: string | Uint8Array;
}

/** How far back a query without `since` reaches. */
const MAX_DAYS = 90;
/** Day partitions one page of a time-only query reads at most; past them the page ends with a cursor. */
const MAX_DAYS_PER_PAGE = 31;
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
  private readonly signer: CursorSigner;

  constructor(private readonly options: DynamoAuditLogOptions) {
    this.signer = new CursorSigner(options.cursorKey);
  }

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

  /**
   * Newest first, within [since, until]. A page reads at most MAX_DAYS_PER_PAGE day partitions, however long the
   * window: a page may then hold fewer than `limit` entries and still carry a cursor. The cursor is signed and bound
   * to the query; throws ValidationError for one it did not issue, or for `since` after `until`.
   */
  async query(query: AuditQuery): Promise<{ entries: AuditEntry[]; cursor?: string }> {
    const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    const until = query.until ?? new Date().toISOString();
    const since = query.since ?? new Date(Date.parse(until) - MAX_DAYS * 86_400_000).toISOString();
    if (Date.parse(since) > Date.parse(until)) throw new ValidationError('since', `since (${since}) must not be later than until (${until}).`);
    // Bound to the query: a cursor issued for one filter or window is refused for another.
    const scope = JSON.stringify([query.component ?? null, query.subject ?? null, query.since ?? null, query.until ?? null]);
    const cursor = decodeCursor(this.signer, scope, query.cursor);
    const encodeCursor = (value: Cursor) => this.signer.encode(scope, value);
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
    for (let days = 0; day >= dayOf(since) && entries.length < limit && days < MAX_DAYS_PER_PAGE; ) {
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
        days++;
      }
    }
    return { entries, ...(day >= dayOf(since) ? { cursor: encodeCursor(key ? { day, key } : { day }) } : {}) };
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

const isKey = (value: unknown): value is Item =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((attribute) => typeof attribute === 'object' && attribute !== null && typeof (attribute as { S?: unknown }).S === 'string');

function decodeCursor(signer: CursorSigner, scope: string, raw: string | undefined): Cursor {
  if (raw === undefined || raw === '') return {};
  const cursor = signer.decode(scope, raw) as Cursor | null;
  // Signed, so only a bug could make it malformed; checked anyway, because it becomes a DynamoDB start key.
  if (typeof cursor !== 'object' || cursor === null || (cursor.day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(cursor.day)) || (cursor.key !== undefined && !isKey(cursor.key))) {
    throw new ValidationError('cursor', 'cursor is not one this API issued for this query.');
  }
  return cursor;
}
