import { BatchGetItemCommand, type DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  applyReplayOutcome,
  type ClaimRenewal,
  type ClaimResult,
  type DispatchPage,
  type DispatchQuery,
  type ExpiredClaim,
  type DispatchCompletion,
  type DispatchKey,
  type DispatchRecord,
  type EventRecord,
  type EventStore,
  VrouterError,
} from '@vrouter/core';
import { CursorSigner } from './cursor.js';
import { completionIndexUpdate, statusIndexUpdate } from './dispatch-index.js';
import { listDispatches } from './dispatch-query.js';
import { decodeDispatchItem, decodeEventPartitionItem, decodePendingClaim, dispatchItem, eventItem, historyAttribute, loggedEventFields } from './event-items.js';
import { isConditionalCheckFailed, storeCall } from './errors.js';
import type { Item } from './item.js';
import { dispatchKey, eventPartition, type ItemKey, keyAttributes, leaseShards, pendingShards, SK_PREFIX } from './keys.js';
import { GSI2, GSI3, GSI7, PARTITION_KEY } from './schema.js';

export interface DynamoEventStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long events and dispatch records are kept (DynamoDB TTL); default 7 days. */
  retentionSeconds?: number;
  /**
   * HMAC key for listDispatches cursors; every router of a deployment needs the same one (replay jobs resume from a
   * saved cursor anywhere). Without it a random key is used, and cursors only work on this process.
   */
  cursorKey?: string | Uint8Array;
}

export const DEFAULT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

// Condition expressions, named.
/** The item does not exist yet: the conditional create that makes recordEvent and claimDispatch exactly-once. */
const IS_NEW_ITEM = 'attribute_not_exists(#pk)';
/** The caller still owns the dispatch; false as well when the record does not exist. */
const CLAIM_IS_OURS = '#claimToken = :claimToken';
/** Not yet completed: a completed record is never renewed or taken over. */
const STILL_PENDING = '#status = :pending';
/** The owner's lease ran out: it died, or is too slow to keep its claim. */
const LEASE_ENDED = '#leaseUntil < :now';
/** BatchGetItem's limit of keys per request, and the rounds its unprocessed keys get before the read gives up. */
const BATCH_GET_KEYS = 100;
const BATCH_GET_ROUNDS = 6;
/** What a claim that logs its event shares with the event's record: one attribute each on the item. */
const SHARED_FIELDS = ['source', 'id', 'receivedAt', 'customer', 'project', 'plan'] as const;
/** Reads and conditional writes a replay's outcome gets before it gives way to a newer one written meanwhile. */
const REPLAY_OUTCOME_ROUNDS = 4;

/**
 * The event log and the dispatch idempotency ledger, one partition per event (layout: schema.ts), modelled
 * on Powertools' DynamoDBPersistenceLayer: a conditional put is the claim, the item its state.
 * Items expire `retentionSeconds` after they are written; a redelivery after that is treated as new.
 * All methods throw VrouterError VR_STORE_UNAVAILABLE when DynamoDB or the table cannot be reached, and
 * the SDK's error for anything else unexpected.
 */
export class DynamoEventStore implements EventStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly retentionSeconds: number;
  private readonly cursors: CursorSigner;

  /** Throws RangeError when retentionSeconds is not a positive integer. */
  constructor(options: DynamoEventStoreOptions) {
    const retention = options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
    if (!Number.isInteger(retention) || retention <= 0) throw new RangeError(`retentionSeconds must be a positive integer, got ${retention}.`);
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionSeconds = retention;
    this.cursors = new CursorSigner(options.cursorKey);
  }

  /**
   * Writes the event once: true when this call created it, false when (source, id) was already recorded,
   * in which case the first record is kept unchanged. Throws ValidationError when receivedAt is not a timestamp.
   */
  async recordEvent(record: EventRecord): Promise<boolean> {
    try {
      await this.call((c) =>
        c.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: eventItem(record, this.expiresAt()),
            ConditionExpression: IS_NEW_ITEM,
            ExpressionAttributeNames: { '#pk': PARTITION_KEY },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Creates the dispatch record if none exists for (source, id, component). Exactly one of any number of
   * concurrent callers gets `claimed: true`; the others get the record that won. Throws VR_CONFLICT when the
   * winning record vanished before it could be read (it expired in between), VR_INTERNAL when it is unreadable.
   * With `logged`, the claim's item also carries the event's log record (one write for both) when the event is small
   * enough (CARRY_AT_MOST); a larger one is recorded apart first. A losing claim writes neither. Throws RangeError when
   * the two disagree on a field they share (SHARED_FIELDS).
   */
  async claimDispatch(record: DispatchRecord, logged?: EventRecord): Promise<ClaimResult> {
    const key = dispatchKey(record);
    let carried: Record<string, unknown> | undefined;
    if (logged !== undefined) {
      for (const field of SHARED_FIELDS) {
        if (logged[field] !== record[field]) throw new RangeError(`The claim and the event it logs disagree on ${field}.`);
      }
      carried = loggedEventFields(logged);
      // Too large to carry: logged apart first, as an event with several components is.
      if (carried === undefined) await this.recordEvent(logged);
    }
    try {
      await this.call((c) =>
        c.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: dispatchItem(record, this.expiresAt(), carried),
            ConditionExpression: IS_NEW_ITEM,
            ExpressionAttributeNames: { '#pk': PARTITION_KEY },
            // Saves the read below on DynamoDB; dynalite ignores it, hence the fallback.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return { claimed: true, record };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const existing = error.Item ?? (await this.readItem(key));
      if (existing === undefined) {
        throw new VrouterError('VR_CONFLICT', 'The dispatch record that won the claim is gone; claim again.', { details: { ...key } });
      }
      return { claimed: false, existing: this.decodeExisting(existing, key) };
    }
  }

  /**
   * Writes the outcome and releases the lease, if `claimToken` still owns the record. Returns false, writing
   * nothing, when the token does not match or the record does not exist. lastError and response are removed
   * when the completion has none, so the record describes this outcome only.
   */
  async completeDispatch(key: DispatchKey, claimToken: string, completion: DispatchCompletion): Promise<boolean> {
    // Out of the lease index; an original dispatch also into the failed indexes when it failed.
    const index = key.replayId === undefined && !key.shadow ? statusIndexUpdate(completion.status) : statusIndexUpdate('succeeded');
    const pending = completionIndexUpdate();
    const set = ['#status = :status', '#attempts = :attempts', '#updatedAt = :updatedAt', ...index.set];
    const remove = ['#leaseUntil', ...index.remove, ...pending.remove];
    const names: Record<string, string> = {
      ...index.names,
      ...pending.names,
      '#status': 'status',
      '#attempts': 'attempts',
      '#updatedAt': 'updatedAt',
      '#leaseUntil': 'leaseUntil',
      '#lastError': 'lastError',
      '#response': 'response',
      '#claimToken': 'claimToken',
    };
    const values: Record<string, unknown> = {
      ':status': completion.status,
      ':attempts': completion.attempts,
      ':updatedAt': new Date().toISOString(),
      ':claimToken': claimToken,
    };
    if (completion.error === undefined) remove.push('#lastError');
    else {
      set.push('#lastError = :lastError');
      values[':lastError'] = { code: completion.error.code, message: completion.error.message };
    }
    if (completion.response === undefined) remove.push('#response');
    else {
      set.push('#response = :response');
      values[':response'] = completion.response;
    }
    let replayed: Item | undefined;
    try {
      const answer = await this.call((c) =>
        c.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: keyAttributes(dispatchKey(key)),
            UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
            ConditionExpression: CLAIM_IS_OURS,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: marshall(values),
            // A replay's record as completed is what its original takes over; asking for it costs no extra request.
            ...(key.replayId !== undefined ? { ReturnValues: 'ALL_NEW' as const } : {}),
          }),
        ),
      );
      replayed = answer.Attributes;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
    const replay = replayed === undefined ? undefined : decodeDispatchItem(replayed);
    if (replay !== undefined) await this.recordReplayOutcome(replay);
    return true;
  }

  /**
   * An event's status per component is its latest outcome: a completed replay's version, status, attempts, error
   * and answer become the original record's (moving it in or out of the failed indexes), and join its history, so
   * listing and filtering tell what happened last. Read, then written on the condition that the original has not
   * changed since; a concurrent change (another replay of the same event) makes it read again. Replays are operator
   * jobs, so the extra read is off the hot path.
   */
  private async recordReplayOutcome(replay: DispatchRecord): Promise<void> {
    const key = dispatchKey({ source: replay.source, id: replay.id, component: replay.component });
    for (let round = 0; round < REPLAY_OUTCOME_ROUNDS; round++) {
      const item = await this.readItem(key);
      const original = item === undefined ? undefined : decodeDispatchItem(item);
      if (original === undefined) return;
      const fields = applyReplayOutcome(original, replay);
      if (fields === undefined) return;
      const index = statusIndexUpdate(fields.status);
      const set = [
        '#status = :status',
        '#version = :version',
        '#channel = :channel',
        '#pin = :pin',
        '#pinSource = :pinSource',
        '#attempts = :attempts',
        '#updatedAt = :updatedAt',
        '#lastReplayId = :replayId',
        '#history = :history',
        ...index.set,
      ];
      const remove = [...index.remove];
      const values: Record<string, unknown> = {
        ':status': fields.status,
        ':version': fields.version,
        ':channel': fields.channel,
        ':pin': fields.pin === null ? null : { scope: fields.pin.scope, subject: fields.pin.subject },
        ':pinSource': fields.pinSource,
        ':attempts': fields.attempts,
        ':updatedAt': fields.updatedAt,
        ':replayId': fields.lastReplayId,
        ':history': (fields.history ?? []).map(historyAttribute),
        ':seen': original.updatedAt,
        ':pending': 'pending',
      };
      if (fields.lastError) {
        set.push('#lastError = :lastError');
        values[':lastError'] = { code: fields.lastError.code, message: fields.lastError.message };
      } else remove.push('#lastError');
      if (fields.response !== undefined) {
        set.push('#response = :response');
        values[':response'] = fields.response;
      } else remove.push('#response');
      try {
        await this.call((c) =>
          c.send(
            new UpdateItemCommand({
              TableName: this.tableName,
              Key: keyAttributes(key),
              UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
              ConditionExpression: `#updatedAt = :seen AND NOT (${STILL_PENDING})`,
              ExpressionAttributeNames: {
                ...index.names,
                '#status': 'status',
                '#version': 'version',
                '#channel': 'channel',
                '#pin': 'pin',
                '#pinSource': 'pinSource',
                '#attempts': 'attempts',
                '#updatedAt': 'updatedAt',
                '#lastReplayId': 'lastReplayId',
                '#history': 'history',
                '#lastError': 'lastError',
                '#response': 'response',
              },
              ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
            }),
          ),
        );
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
  }

  /**
   * The event and its dispatch records sorted by component, read strongly consistently; null when the event
   * was never recorded (or has expired). Throws VR_INTERNAL when an item of the event cannot be read,
   * rather than returning a ledger with holes.
   */
  async getEvent(source: string, id: string): Promise<{ event: EventRecord; dispatches: DispatchRecord[]; replays: DispatchRecord[]; shadows: DispatchRecord[] } | null> {
    const pk = eventPartition(source, id);
    let event: EventRecord | undefined;
    let carried: EventRecord | undefined;
    const dispatches: DispatchRecord[] = [];
    const replays: DispatchRecord[] = [];
    const shadows: DispatchRecord[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.call((c) =>
        c.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': PARTITION_KEY },
            ExpressionAttributeValues: { ':pk': { S: pk } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const entry = decodeEventPartitionItem(item);
        if (entry === 'garbled') throw new VrouterError('VR_INTERNAL', 'An item of the event cannot be read.', { details: { pk, sk: item.sk?.S } });
        if (entry?.kind === 'event') event = entry.value;
        else if (entry?.kind === 'dispatch') {
          dispatches.push(entry.value);
          // An EVENT item, when there is one, is the event's own record; a claim's copy stands in for it otherwise.
          carried ??= entry.logged;
        } else if (entry?.kind === 'replay') replays.push(entry.value);
        else if (entry?.kind === 'shadow') shadows.push(entry.value);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    event ??= carried;
    if (event === undefined) return null;
    dispatches.sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0));
    return { event, dispatches, replays, shadows };
  }

  /**
   * Renews the lease and records the attempt count and last error before another attempt. False, writing
   * nothing, when `claimToken` no longer owns the record or it is no longer pending.
   */
  async renewClaim(key: DispatchKey, claimToken: string, renewal: ClaimRenewal): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':claimToken': claimToken,
      ':pending': 'pending',
      ':leaseUntil': renewal.leaseUntil,
      ':attempts': renewal.attempts,
      ':updatedAt': new Date().toISOString(),
    };
    const set = ['#leaseUntil = :leaseUntil', '#leaseIndexUntil = :leaseUntil', '#attempts = :attempts', '#updatedAt = :updatedAt'];
    if (renewal.lastError) {
      set.push('#lastError = :lastError');
      values[':lastError'] = { code: renewal.lastError.code, message: renewal.lastError.message };
    }
    if (renewal.handedOffAttempt !== undefined) {
      set.push('#handedOffAttempt = :handedOffAttempt');
      values[':handedOffAttempt'] = renewal.handedOffAttempt;
    }
    return this.conditionalUpdate(key, {
      UpdateExpression: `SET ${set.join(', ')}`,
      ConditionExpression: `${CLAIM_IS_OURS} AND ${STILL_PENDING}`,
      ExpressionAttributeNames: {
        '#claimToken': 'claimToken',
        '#status': 'status',
        '#leaseUntil': 'leaseUntil',
        '#leaseIndexUntil': GSI2.sortKey,
        '#attempts': 'attempts',
        '#updatedAt': 'updatedAt',
        ...(renewal.lastError ? { '#lastError': 'lastError' } : {}),
        ...(renewal.handedOffAttempt !== undefined ? { '#handedOffAttempt': 'handedOffAttempt' } : {}),
      },
      ExpressionAttributeValues: marshall(values),
      ReturnValues: 'NONE',
    }).then((item) => item !== undefined);
  }

  /**
   * Pending claims whose lease ended before `now`, oldest first, from the sparse lease index (eventually
   * consistent: a claim may already be completed or taken; takeOverClaim re-checks). One Query per shard.
   */
  async findExpiredClaims(now: string, limit: number): Promise<ExpiredClaim[]> {
    const pages = await Promise.all(
      leaseShards().map((shard) =>
        this.call((c) =>
          c.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: GSI2.indexName,
              KeyConditionExpression: '#shard = :shard AND #until < :now',
              ExpressionAttributeNames: { '#shard': GSI2.partitionKey, '#until': GSI2.sortKey },
              ExpressionAttributeValues: { ':shard': { S: shard }, ':now': { S: now } },
              Limit: limit,
            }),
          ),
        ),
      ),
    );
    return expiredClaimsOf(pages.flatMap((page) => page.Items ?? [])).slice(0, limit);
  }

  /**
   * Pending claims made before `claimedBefore` whose lease ended before `now`, from the sparse pending index (gsi7):
   * the safety net for claims whose lease-index entry is missing. One Query per shard, each reading at most `limit`
   * index entries (the lease filter applies after the limit, so the read stays bounded), oldest first.
   */
  async findStalePendingClaims(claimedBefore: string, now: string, limit: number): Promise<ExpiredClaim[]> {
    const pages = await Promise.all(
      pendingShards().map((shard) =>
        this.call((c) =>
          c.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: GSI7.indexName,
              KeyConditionExpression: '#shard = :shard AND #claimed < :before',
              FilterExpression: '#leaseUntil < :now',
              ExpressionAttributeNames: { '#shard': GSI7.partitionKey, '#claimed': GSI7.sortKey, '#leaseUntil': 'leaseUntil' },
              ExpressionAttributeValues: { ':shard': { S: shard }, ':before': { S: claimedBefore }, ':now': { S: now } },
              Limit: limit,
            }),
          ),
        ),
      ),
    );
    return expiredClaimsOf(pages.flatMap((page) => page.Items ?? [])).slice(0, limit);
  }

  /**
   * Takes over an expired pending claim still held by `expected.claimToken`; of several concurrent recoverers
   * exactly one gets the record back, the others null.
   */
  async takeOverClaim(expected: ExpiredClaim, claimToken: string, leaseUntil: string, now: string): Promise<DispatchRecord | null> {
    const item = await this.conditionalUpdate(expected, {
      UpdateExpression: 'SET #claimToken = :newToken, #leaseUntil = :leaseUntil, #leaseIndexUntil = :leaseUntil, #updatedAt = :now',
      ConditionExpression: `${CLAIM_IS_OURS} AND ${STILL_PENDING} AND ${LEASE_ENDED}`,
      ExpressionAttributeNames: { '#claimToken': 'claimToken', '#status': 'status', '#leaseUntil': 'leaseUntil', '#leaseIndexUntil': GSI2.sortKey, '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: marshall({ ':claimToken': expected.claimToken, ':newToken': claimToken, ':pending': 'pending', ':leaseUntil': leaseUntil, ':now': now }),
      ReturnValues: 'ALL_NEW',
    });
    return item === undefined ? null : this.decodeExisting(item, dispatchKey(expected));
  }

  /** Dispatch rows in a window; see dispatch-query.ts for which index serves which filter. */
  listDispatches(query: DispatchQuery): Promise<DispatchPage> {
    return listDispatches(
      (input) => this.call((c) => c.send(new QueryCommand({ ...input, TableName: this.tableName }))),
      (keys) => this.readItems(keys),
      this.cursors,
      query,
    );
  }

  /**
   * Shadow dispatches of `component` received in [from, to], newest first, each with the original dispatch of the
   * same event (both read from the table in batches of 100), for comparing the two.
   */
  async listShadowPairs(component: string, from: string, to: string, limit: number): Promise<{ shadow: DispatchRecord; primary: DispatchRecord | null }[]> {
    const output = await this.call((c) =>
      c.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI3.indexName,
          KeyConditionExpression: '#p = :p AND #s BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#p': GSI3.partitionKey, '#s': GSI3.sortKey },
          ExpressionAttributeValues: { ':p': { S: `S#${component}` }, ':from': { S: new Date(from).toISOString() }, ':to': { S: `${new Date(to).toISOString()}~` } },
          ScanIndexForward: false,
          Limit: Math.min(limit, 100),
        }),
      ),
    );
    // The index carries what queries filter on; the shadows and the primaries they mirrored are read whole, in one batch.
    const entries = output.Items ?? [];
    if (entries.length === 0) return [];
    // A shadow's primary shares its partition; its sort key names the same component.
    const primaryKeys = entries.flatMap((entry) => {
      const sk = entry.sk?.S;
      return entry.pk && sk?.startsWith(SK_PREFIX.shadow) ? [{ pk: entry.pk, sk: { S: `${SK_PREFIX.dispatch}${sk.slice(SK_PREFIX.shadow.length)}` } }] : [];
    });
    const read = new Map<string, DispatchRecord>();
    for (const item of await this.readItems([...entries.map((entry) => ({ pk: entry.pk!, sk: entry.sk! })), ...primaryKeys])) {
      const record = decodeDispatchItem(item);
      if (record) read.set(`${item.pk?.S}\u0000${item.sk?.S}`, record);
    }
    return entries.flatMap((entry) => {
      const shadow = read.get(`${entry.pk?.S}\u0000${entry.sk?.S}`);
      if (!shadow) return [];
      const primaryKey = dispatchKey({ source: shadow.source, id: shadow.id, component: shadow.component });
      return [{ shadow, primary: read.get(`${primaryKey.pk}\u0000${primaryKey.sk}`) ?? null }];
    });
  }

  /**
   * Table items by key (at most 100 a request, strongly consistent), in any order; keys with no item are left out.
   * Throws VR_STORE_UNAVAILABLE when DynamoDB leaves keys unprocessed round after round (throttling), rather than
   * answering without them.
   */
  private async readItems(keys: Item[]): Promise<Item[]> {
    const found: Item[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
      let pending: Item[] | undefined = keys.slice(start, start + BATCH_GET_KEYS);
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round === BATCH_GET_ROUNDS)
          throw new VrouterError('VR_STORE_UNAVAILABLE', 'The store left part of a batch read unprocessed; try again.', { details: { unprocessed: pending.length } });
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** round));
        const batch = await this.call((c) => c.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: pending!, ConsistentRead: true } } })));
        found.push(...(batch.Responses?.[this.tableName] ?? []));
        pending = batch.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    return found;
  }

  /** An UpdateItem on a dispatch record that returns the new item, or undefined when its condition failed. */
  private async conditionalUpdate(key: DispatchKey, input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>): Promise<Item | undefined> {
    try {
      const output = await this.call((c) => c.send(new UpdateItemCommand({ ReturnValues: 'ALL_NEW', ...input, TableName: this.tableName, Key: keyAttributes(dispatchKey(key)) })));
      return output.Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** TTL timestamp for an item written now. */
  private expiresAt(): number {
    return Math.floor(Date.now() / 1000) + this.retentionSeconds;
  }

  private async readItem(key: ItemKey): Promise<Item | undefined> {
    const { Item: item } = await this.call((c) => c.send(new GetItemCommand({ TableName: this.tableName, Key: keyAttributes(key), ConsistentRead: true })));
    return item;
  }

  private decodeExisting(item: Item, key: ItemKey): DispatchRecord {
    const record = decodeDispatchItem(item);
    if (record === undefined) throw new VrouterError('VR_INTERNAL', 'The existing dispatch record cannot be read.', { details: { ...key } });
    return record;
  }

  private call<T>(send: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    return storeCall(this.tableName, () => send(this.client));
  }
}

/** The pending claims among index items, oldest lease first; a replay's or shadow's key keeps its kind. */
function expiredClaimsOf(items: Item[]): ExpiredClaim[] {
  const claims = items.flatMap((item) => decodePendingClaim(item) ?? []);
  return claims.sort((a, b) => (a.leaseUntil < b.leaseUntil ? -1 : a.leaseUntil > b.leaseUntil ? 1 : 0));
}
