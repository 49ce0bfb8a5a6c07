import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type ChannelName,
  type ChannelPointer,
  type Component,
  type Customer,
  type Pin,
  type PinScope,
  type Project,
  type ConfigChanges,
  type RoutingConfigStore,
  SnapshotBuilder,
  type TokenRecord,
  type WriteOptions,
  type Written,
  newSigningKey,
  type RoutingSnapshot,
  rotateSigningKeys,
  type SigningKeys,
  type Version,
  VrouterError,
} from '@vrouter/core';
import { componentItem, customerItem, decodeChannel, decodeConfigItem, pinItem, projectItem, servedItem, signingKeysItem, tokenItem, versionItem } from './config-items.js';
import { isConditionalCheckFailed, storeCall } from './errors.js';
import { fieldsOf, type Item } from './item.js';
import { CONFIG_PK, channelKey, componentKey, type ItemKey, keyAttributes, pinKey, revisionKey, signingKeysKey, tokenKey, versionKey } from './keys.js';
import { readChanges } from './change-log.js';
import { bumpRevision } from './revision.js';
import { PARTITION_KEY, SORT_KEY } from './schema.js';

export interface DynamoRoutingConfigStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

// Condition expressions, named. `#version` is the channel item's version attribute, `:version` the new one.
const CHANNEL_MOVES = 'attribute_exists(#version) AND #version <> :version';
const CHANNEL_IS_NEW_OR_UNCHANGED = 'attribute_not_exists(#version) OR #version = :version';

/** Matches HTTP semantics: If-Match compares the stored etag; If-None-Match: * requires that nothing exists. */
const ETAG_MATCHES = '#etag = :etag';
const NOTHING_STORED = 'attribute_not_exists(#pk)';
const BULK_CONCURRENCY = 16;
/** Items per Query page of a full load, and per decoding chunk: small enough that neither holds up the event loop. */
const LOAD_PAGE_ITEMS = 1000;
const DECODE_CHUNK = 100;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const newEtag = (): string => randomUUID().replaceAll('-', '').slice(0, 20);

function condition(options: WriteOptions): Pick<PutItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  if (options.ifMatch !== undefined) {
    return { ConditionExpression: ETAG_MATCHES, ExpressionAttributeNames: { '#etag': 'etag' }, ExpressionAttributeValues: { ':etag': { S: options.ifMatch } } };
  }
  if (options.ifNoneMatch) return { ConditionExpression: NOTHING_STORED, ExpressionAttributeNames: { '#pk': PARTITION_KEY } };
  return {};
}

function preconditionFailed(error: unknown, options: WriteOptions): unknown {
  if (!isConditionalCheckFailed(error)) return error;
  const detail = options.ifMatch !== undefined ? `It no longer has ETag ${options.ifMatch}; read it again.` : 'It exists already.';
  return new VrouterError('VR_PRECONDITION_FAILED', `The record changed: ${detail}`, { cause: error });
}

/** Both branches of setChannel lose only to a concurrent setChannel; after this many rounds something is wrong. */
const SET_CHANNEL_ROUNDS = 5;

/**
 * Routing configuration in the CONFIG partition (layout: schema.ts). Every write is followed by a bump
 * of the revision item, so a router that sees the new revision and reloads also sees the write.
 * All methods throw VrouterError VR_STORE_UNAVAILABLE when DynamoDB or the table cannot be reached, and
 * the SDK's error for anything else unexpected. A writer that dies between its write and the bump leaves
 * the write invisible to polling routers until the next bump; SnapshotCache's periodic full reload covers that.
 */
export class DynamoRoutingConfigStore implements RoutingConfigStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;

  constructor(options: DynamoRoutingConfigStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  /** The current revision, read strongly consistently; 0 before the first write. */
  async revision(): Promise<number> {
    const { Item: item } = await this.call((c) =>
      c.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: keyAttributes(revisionKey()),
          ConsistentRead: true,
          ProjectionExpression: '#rev',
          ExpressionAttributeNames: { '#rev': 'rev' },
        }),
      ),
    );
    const rev = Number(item?.rev?.N ?? 0);
    return Number.isFinite(rev) ? rev : 0;
  }

  /**
   * The whole configuration, at least as new as the revision it carries. Expired pins are kept (resolution
   * explains them); items it cannot read are skipped so that one bad item does not stop routing.
   */
  async loadSnapshot(): Promise<RoutingSnapshot> {
    // The revision is read before the items: writes bump it after writing, so every write counted in this
    // revision is in the Query below. A newer write may slip in too; the next poll then reads it again.
    const revision = await this.revision();
    const builder = new SnapshotBuilder();
    let startKey: Item | undefined;
    do {
      const page = await this.call((c) =>
        c.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :config',
            ExpressionAttributeNames: { '#pk': PARTITION_KEY },
            ExpressionAttributeValues: { ':config': { S: CONFIG_PK } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
            Limit: LOAD_PAGE_ITEMS,
          }),
        ),
      );
      const items = page.Items ?? [];
      // Decoding is the costly part of a load; between chunks the event loop routes events.
      for (let start = 0; start < items.length; start += DECODE_CHUNK) {
        if (start > 0) await yieldToLoop();
        for (const item of items.slice(start, start + DECODE_CHUNK)) {
          const record = decodeConfigItem(item);
          if (record !== undefined) builder.add(record);
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return builder.build(revision);
  }

  /** What changed after revision `from` (see change-log.ts): a few strongly consistent reads, not the whole partition. */
  async changesSince(from: number, to: number): Promise<ConfigChanges | undefined> {
    return await readChanges(this.client, this.tableName, from, to);
  }

  /** Creates or replaces the component, then bumps the revision. */
  async putComponent(component: Component, options?: WriteOptions): Promise<Written<Component>> {
    return await this.put(componentItem(component), options);
  }

  /** Deletes the component record; returns it, or null when it did not exist. Bumps the revision only when something was deleted. */
  async deleteComponent(name: string, options?: WriteOptions): Promise<Component | null> {
    return await this.delete(componentKey(name), options);
  }

  /** Creates or replaces the version (its target stored as a map), then bumps the revision. */
  async putVersion(version: Version, options?: WriteOptions): Promise<Written<Version>> {
    return await this.put(versionItem(version), options);
  }

  /** Deletes the version; returns it, or null when it did not exist. Bumps the revision only when something was deleted. */
  async deleteVersion(component: string, version: string, options?: WriteOptions): Promise<Version | null> {
    return await this.delete(versionKey(component, version), options);
  }

  /**
   * Points the channel at `version` and returns the stored pointer. Moving to a different version records
   * the old one as previousVersion; setting the version it already points at keeps previousVersion, so a
   * retried request does not erase the rollback target. Throws VR_CONFLICT if concurrent writers keep
   * changing the channel underneath it.
   */
  async setChannel(
    component: string,
    channel: ChannelName,
    version: string,
    at: string,
    options: WriteOptions = {},
  ): Promise<Written<ChannelPointer> & { pointer: ChannelPointer }> {
    const key = channelKey(component, channel);
    const etag = newEtag();
    const names: Record<string, string> = { '#component': 'component', '#channel': 'channel', '#version': 'version', '#updatedAt': 'updatedAt', '#etag': 'etag' };
    const values: Record<string, AttributeValue> = {
      ':component': { S: component },
      ':channel': { S: channel },
      ':version': { S: version },
      ':updatedAt': { S: at },
      ':etag': { S: etag },
    };
    const assign = '#component = :component, #channel = :channel, #version = :version, #updatedAt = :updatedAt, #etag = :etag';
    let precondition = '';
    if (options.ifMatch !== undefined) {
      precondition = ` AND #etag = :ifMatch`;
      values[':ifMatch'] = { S: options.ifMatch };
    } else if (options.ifNoneMatch) {
      precondition = ' AND attribute_not_exists(#version)';
    }
    // Which branch applies is only known to DynamoDB, so try the common one (a move) first and let the
    // conditions pick; each branch is one atomic UpdateItem, so no read-modify-write race exists.
    const branches = [
      // SET evaluates every operand against the item as it was, so previousVersion receives the old version.
      {
        moves: true,
        update: `SET #previousVersion = #version, ${assign}`,
        condition: `(${CHANNEL_MOVES})${precondition}`,
        names: { ...names, '#previousVersion': 'previousVersion' },
      },
      { moves: false, update: `SET ${assign}`, condition: `(${CHANNEL_IS_NEW_OR_UNCHANGED})${precondition}`, names },
    ];
    for (let round = 0; round < SET_CHANNEL_ROUNDS; round++) {
      for (const branch of branches) {
        let old: Item | undefined;
        try {
          ({ Attributes: old } = await this.call((c) =>
            c.send(
              new UpdateItemCommand({
                TableName: this.tableName,
                Key: keyAttributes(key),
                UpdateExpression: branch.update,
                ConditionExpression: branch.condition,
                ExpressionAttributeNames: branch.names,
                ExpressionAttributeValues: values,
                ReturnValues: 'ALL_OLD',
              }),
            ),
          ));
        } catch (error) {
          if (isConditionalCheckFailed(error)) continue;
          throw error;
        }
        await this.bumpRevision([key]);
        const decoded = old === undefined ? undefined : decodeConfigItem(old);
        const before = decoded?.kind === 'channel' ? decoded.value : null;
        const previousVersion = branch.moves ? before?.version : before?.previousVersion;
        const pointer: ChannelPointer = { component, channel, version, updatedAt: at, etag, ...(previousVersion ? { previousVersion } : {}) };
        return { etag, before, pointer };
      }
      // With a precondition, both branches failing most likely means the precondition did; check once.
      if (precondition) {
        const current = await this.getChannel(component, channel);
        const holds = options.ifMatch !== undefined ? current?.etag === options.ifMatch : current === null;
        if (!holds) throw new VrouterError('VR_PRECONDITION_FAILED', `Channel ${component}/${channel} changed since it was read; read it again.`);
      }
    }
    throw new VrouterError('VR_CONFLICT', `Channel ${component}/${channel} kept changing concurrently; try again.`);
  }

  /** The channel pointer, read strongly consistently; null when unset or unreadable. */
  async getChannel(component: string, channel: ChannelName): Promise<ChannelPointer | null> {
    const { Item: item } = await this.call((c) =>
      c.send(new GetItemCommand({ TableName: this.tableName, Key: keyAttributes(channelKey(component, channel)), ConsistentRead: true })),
    );
    const fields = item === undefined ? undefined : fieldsOf(item);
    const pointer = fields === undefined ? undefined : decodeChannel(fields);
    return pointer === undefined ? null : { ...pointer, ...(typeof fields?.etag === 'string' ? { etag: fields.etag } : {}) };
  }

  /** Creates or replaces the pin (expired or not), then bumps the revision. */
  async putPin(pin: Pin, options?: WriteOptions): Promise<Written<Pin>> {
    return await this.put(pinItem(pin), options);
  }

  async getPin(scope: PinScope, subject: string, component: string): Promise<Pin | null> {
    const { Item: item } = await this.call((c) =>
      c.send(new GetItemCommand({ TableName: this.tableName, Key: keyAttributes(pinKey(scope, subject, component)), ConsistentRead: true })),
    );
    const entry = item ? decodeConfigItem(item) : undefined;
    return entry?.kind === 'pin' ? entry.value : null;
  }

  /**
   * Writes each pin (replacing what is there), a few at a time, and announces them all with one revision bump.
   * DynamoDB cannot write hundreds of items atomically, so each pin gets its own result, in input order.
   */
  async putPins(pins: Pin[]): Promise<({ ok: true; written: Written<Pin> } | { ok: false; error: string })[]> {
    const results: ({ ok: true; written: Written<Pin> } | { ok: false; error: string })[] = new Array(pins.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(BULK_CONCURRENCY, pins.length) }, async () => {
        while (next < pins.length) {
          const i = next++;
          try {
            results[i] = { ok: true, written: await this.write<Pin>(pinItem(pins[i]!)) };
          } catch (error) {
            results[i] = { ok: false, error: error instanceof Error ? error.message : String(error) };
          }
        }
      }),
    );
    if (results.some((r) => r.ok)) await this.bumpRevision(pins.filter((_, i) => results[i]!.ok).map((p) => pinKey(p.scope, p.subject, p.component)));
    return results;
  }

  /** Deletes the pin; returns it, or null when it did not exist. Bumps the revision only when something was deleted. */
  async deletePin(scope: PinScope, subject: string, component: string, options?: WriteOptions): Promise<Pin | null> {
    return await this.delete(pinKey(scope, subject, component), options);
  }

  /** Creates or replaces the customer, then bumps the revision. */
  async putCustomer(customer: Customer, options?: WriteOptions): Promise<Written<Customer>> {
    return await this.put(customerItem(customer), options);
  }

  /** Creates or replaces the project, then bumps the revision. */
  async putProject(project: Project, options?: WriteOptions): Promise<Written<Project>> {
    return await this.put(projectItem(project), options);
  }

  /** Creates the token record (only its hash); throws VR_CONFLICT when a token of that name exists. */
  async createToken(token: TokenRecord): Promise<void> {
    try {
      await this.put(tokenItem(token), { ifNoneMatch: true });
    } catch (error) {
      if (error instanceof VrouterError && error.code === 'VR_PRECONDITION_FAILED') throw new VrouterError('VR_CONFLICT', `A token named ${token.name} exists.`, { field: 'name' });
      throw error;
    }
  }

  async deleteToken(name: string): Promise<TokenRecord | null> {
    return await this.delete(tokenKey(name));
  }

  /** Idempotent: the first call writes the marker and bumps the revision, later ones write nothing. */
  async markServed(component: string, version: string): Promise<void> {
    try {
      await this.put(servedItem(component, version, new Date().toISOString()), { ifNoneMatch: true });
    } catch (error) {
      if (!(error instanceof VrouterError && error.code === 'VR_PRECONDITION_FAILED')) throw error;
    }
  }

  async ensureSigningKeys(): Promise<SigningKeys> {
    const stored = await this.getSigningKeys();
    if (stored) return stored;
    try {
      const keys = { current: newSigningKey(new Date()) };
      const { etag } = await this.put<SigningKeys>(signingKeysItem(keys), { ifNoneMatch: true });
      return { ...keys, etag };
    } catch (error) {
      // Another router created them first: theirs are the deployment's.
      if (!(error instanceof VrouterError && error.code === 'VR_PRECONDITION_FAILED')) throw error;
      const created = await this.getSigningKeys();
      if (!created) throw error;
      return created;
    }
  }

  async rotateSigningKeys(): Promise<SigningKeys> {
    const stored = await this.ensureSigningKeys();
    const rotated = rotateSigningKeys(stored, new Date());
    const { etag } = await this.put<SigningKeys>(signingKeysItem(rotated), stored.etag !== undefined ? { ifMatch: stored.etag } : {});
    return { ...rotated, etag };
  }

  private async getSigningKeys(): Promise<SigningKeys | null> {
    const { Item: item } = await this.call((c) => c.send(new GetItemCommand({ TableName: this.tableName, Key: keyAttributes(signingKeysKey()), ConsistentRead: true })));
    const entry = item ? decodeConfigItem(item) : undefined;
    return entry?.kind === 'signingKeys' ? entry.value : null;
  }

  private async put<T>(item: Item, options?: WriteOptions): Promise<Written<T>> {
    const written = await this.write<T>(item, options);
    await this.bumpRevision([{ pk: item[PARTITION_KEY]!.S!, sk: item[SORT_KEY]!.S! }]);
    return written;
  }

  /** One conditional PutItem with a fresh etag; returns the record it replaced. No revision bump. */
  private async write<T>(item: Item, options: WriteOptions = {}): Promise<Written<T>> {
    const etag = newEtag();
    try {
      const { Attributes: old } = await this.call((c) =>
        c.send(new PutItemCommand({ TableName: this.tableName, Item: { ...item, etag: { S: etag } }, ReturnValues: 'ALL_OLD', ...condition(options) })),
      );
      return { etag, before: old === undefined ? null : ((decodeConfigItem(old)?.value as T | undefined) ?? null) };
    } catch (error) {
      throw preconditionFailed(error, options);
    }
  }

  private async delete<T>(key: ItemKey, options: WriteOptions = {}): Promise<T | null> {
    let old: Item | undefined;
    try {
      ({ Attributes: old } = await this.call((c) =>
        c.send(new DeleteItemCommand({ TableName: this.tableName, Key: keyAttributes(key), ReturnValues: 'ALL_OLD', ...condition(options) })),
      ));
    } catch (error) {
      throw preconditionFailed(error, options);
    }
    // Deleting nothing changed nothing, so no router needs to reload.
    if (old === undefined) return null;
    await this.bumpRevision([key]);
    return (decodeConfigItem(old)?.value as T | undefined) ?? null;
  }

  private async bumpRevision(changed: readonly ItemKey[]): Promise<void> {
    await bumpRevision(this.client, this.tableName, changed);
  }

  private call<T>(send: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    return storeCall(this.tableName, () => send(this.client));
  }
}
