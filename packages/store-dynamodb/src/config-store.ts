import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  buildSnapshot,
  type ChannelName,
  type ChannelPointer,
  type Component,
  type Customer,
  type Pin,
  type PinScope,
  type Project,
  type RoutingConfigStore,
  type RoutingSnapshot,
  type SnapshotParts,
  type Version,
  VrouterError,
} from '@vrouter/core';
import { componentItem, customerItem, decodeChannel, decodeConfigItem, pinItem, projectItem, versionItem } from './config-items.js';
import { isConditionalCheckFailed, storeCall } from './errors.js';
import { fieldsOf, type Item } from './item.js';
import { CONFIG_PK, channelKey, type ItemKey, keyAttributes, pinKey, revisionKey, versionKey } from './keys.js';
import { PARTITION_KEY } from './schema.js';

export interface DynamoRoutingConfigStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

// Condition expressions, named. `#version` is the channel item's version attribute, `:version` the new one.
const CHANNEL_MOVES = 'attribute_exists(#version) AND #version <> :version';
const CHANNEL_IS_NEW_OR_UNCHANGED = 'attribute_not_exists(#version) OR #version = :version';

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
      c.send(new GetItemCommand({
        TableName: this.tableName,
        Key: keyAttributes(revisionKey()),
        ConsistentRead: true,
        ProjectionExpression: '#rev',
        ExpressionAttributeNames: { '#rev': 'rev' },
      })),
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
    // revision is in the Query below. A newer write may slip in too; the next poll then reloads again.
    const parts: SnapshotParts = { revision: await this.revision(), components: [], versions: [], channels: [], pins: [], customers: [], projects: [] };
    let startKey: Item | undefined;
    do {
      const page = await this.call((c) =>
        c.send(new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :config',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
          ExpressionAttributeValues: { ':config': { S: CONFIG_PK } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        })),
      );
      for (const item of page.Items ?? []) {
        const entry = decodeConfigItem(item);
        if (entry === undefined) continue;
        if (entry.kind === 'component') parts.components.push(entry.value);
        else if (entry.kind === 'version') parts.versions.push(entry.value);
        else if (entry.kind === 'channel') parts.channels.push(entry.value);
        else if (entry.kind === 'pin') parts.pins.push(entry.value);
        else if (entry.kind === 'customer') parts.customers.push(entry.value);
        else parts.projects.push(entry.value);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return buildSnapshot(parts);
  }

  /** Creates or replaces the component, then bumps the revision. */
  async putComponent(component: Component): Promise<void> {
    await this.put(componentItem(component));
  }

  /** Creates or replaces the version (its target stored as a map), then bumps the revision. */
  async putVersion(version: Version): Promise<void> {
    await this.put(versionItem(version));
  }

  /** Deletes the version; returns whether it existed. Bumps the revision only when something was deleted. */
  async deleteVersion(component: string, version: string): Promise<boolean> {
    return this.delete(versionKey(component, version));
  }

  /**
   * Points the channel at `version` and returns the stored pointer. Moving to a different version records
   * the old one as previousVersion; setting the version it already points at keeps previousVersion, so a
   * retried request does not erase the rollback target. Throws VR_CONFLICT if concurrent writers keep
   * changing the channel underneath it.
   */
  async setChannel(component: string, channel: ChannelName, version: string, at: string): Promise<ChannelPointer> {
    const key = channelKey(component, channel);
    const names = { '#component': 'component', '#channel': 'channel', '#version': 'version', '#updatedAt': 'updatedAt' };
    const values = { ':component': { S: component }, ':channel': { S: channel }, ':version': { S: version }, ':updatedAt': { S: at } };
    const assign = '#component = :component, #channel = :channel, #version = :version, #updatedAt = :updatedAt';
    // Which branch applies is only known to DynamoDB, so try the common one (a move) first and let the
    // conditions pick; each branch is one atomic UpdateItem, so no read-modify-write race exists.
    const branches = [
      // SET evaluates every operand against the item as it was, so previousVersion receives the old version.
      { update: `SET #previousVersion = #version, ${assign}`, condition: CHANNEL_MOVES, names: { ...names, '#previousVersion': 'previousVersion' } },
      { update: `SET ${assign}`, condition: CHANNEL_IS_NEW_OR_UNCHANGED, names },
    ];
    for (let round = 0; round < SET_CHANNEL_ROUNDS; round++) {
      for (const branch of branches) {
        let attributes: Item | undefined;
        try {
          ({ Attributes: attributes } = await this.call((c) =>
            c.send(new UpdateItemCommand({
              TableName: this.tableName,
              Key: keyAttributes(key),
              UpdateExpression: branch.update,
              ConditionExpression: branch.condition,
              ExpressionAttributeNames: branch.names,
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_NEW',
            })),
          ));
        } catch (error) {
          if (isConditionalCheckFailed(error)) continue;
          throw error;
        }
        await this.bumpRevision();
        const fields = attributes === undefined ? undefined : fieldsOf(attributes);
        const pointer = fields === undefined ? undefined : decodeChannel(fields);
        if (pointer === undefined) throw new VrouterError('VR_INTERNAL', `Channel ${component}/${channel} was written but cannot be read back.`);
        return pointer;
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
    return (fields === undefined ? undefined : decodeChannel(fields)) ?? null;
  }

  /** Creates or replaces the pin (expired or not), then bumps the revision. */
  async putPin(pin: Pin): Promise<void> {
    await this.put(pinItem(pin));
  }

  /** Deletes the pin; returns whether it existed. Bumps the revision only when something was deleted. */
  async deletePin(scope: PinScope, subject: string, component: string): Promise<boolean> {
    return this.delete(pinKey(scope, subject, component));
  }

  /** Creates or replaces the customer, then bumps the revision. */
  async putCustomer(customer: Customer): Promise<void> {
    await this.put(customerItem(customer));
  }

  /** Creates or replaces the project, then bumps the revision. */
  async putProject(project: Project): Promise<void> {
    await this.put(projectItem(project));
  }

  private async put(item: Item): Promise<void> {
    await this.call((c) => c.send(new PutItemCommand({ TableName: this.tableName, Item: item })));
    await this.bumpRevision();
  }

  private async delete(key: ItemKey): Promise<boolean> {
    const { Attributes: old } = await this.call((c) => c.send(new DeleteItemCommand({ TableName: this.tableName, Key: keyAttributes(key), ReturnValues: 'ALL_OLD' })));
    // Deleting nothing changed nothing, so no router needs to reload.
    if (old === undefined) return false;
    await this.bumpRevision();
    return true;
  }

  /** Always after the write it announces: a router must never see a revision before the write it counts. */
  private async bumpRevision(): Promise<void> {
    await this.call((c) =>
      c.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: keyAttributes(revisionKey()),
        UpdateExpression: 'ADD #rev :one',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      })),
    );
  }

  private call<T>(send: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    return storeCall(this.tableName, () => send(this.client));
  }
}
