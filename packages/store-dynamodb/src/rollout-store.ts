import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type Rollout, type RolloutStore, VrouterError } from '@vrouter/core';
import { isConditionalCheckFailed, storeCall } from './errors.js';
import { fieldsOf } from './item.js';
import { keyAttributes, rolloutKey } from './keys.js';
import { bumpRevision } from './revision.js';
import { decodeRollout, rolloutItem } from './rollout-items.js';

export interface DynamoRolloutStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

// Named parts of the conditions. A component has at most one rollout item: the current one, or the last.
const NO_ROLLOUT_YET = 'attribute_not_exists(#pk)';
const LAST_ONE_FINISHED = '#state IN (:aborted, :completed)';
const UNCHANGED_SINCE_READ = '#seq = :expected';

/**
 * Rollouts in the CONFIG partition (layout: schema.ts). Every write is conditional and followed by a revision bump,
 * so routers reload the snapshot and route the new share. Throws VR_STORE_UNAVAILABLE when the store is unreachable.
 */
export class DynamoRolloutStore implements RolloutStore {
  constructor(private readonly options: DynamoRolloutStoreOptions) {}

  async create(rollout: Rollout): Promise<void> {
    try {
      await this.call(() =>
        this.options.client.send(
          new PutItemCommand({
            TableName: this.options.tableName,
            Item: rolloutItem(rollout),
            ConditionExpression: `${NO_ROLLOUT_YET} OR ${LAST_ONE_FINISHED}`,
            ExpressionAttributeNames: { '#pk': 'pk', '#state': 'state' },
            ExpressionAttributeValues: { ':aborted': { S: 'aborted' }, ':completed': { S: 'completed' } },
          }),
        ),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new VrouterError('VR_ROLLOUT_ACTIVE', `A rollout of ${rollout.component} is already running or paused.`, { field: 'version' });
      throw error;
    }
    await this.bumpRevision(rollout.component);
  }

  async replace(rollout: Rollout, expectedSeq: number): Promise<boolean> {
    try {
      await this.call(() =>
        this.options.client.send(
          new PutItemCommand({
            TableName: this.options.tableName,
            Item: rolloutItem(rollout),
            ConditionExpression: UNCHANGED_SINCE_READ,
            ExpressionAttributeNames: { '#seq': 'seq' },
            ExpressionAttributeValues: { ':expected': { N: String(expectedSeq) } },
          }),
        ),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
    await this.bumpRevision(rollout.component);
    return true;
  }

  async get(component: string): Promise<Rollout | null> {
    const { Item: item } = await this.call(() =>
      this.options.client.send(new GetItemCommand({ TableName: this.options.tableName, Key: keyAttributes(rolloutKey(component)), ConsistentRead: true })),
    );
    const fields = item === undefined ? undefined : fieldsOf(item);
    return (fields && decodeRollout(fields)) ?? null;
  }

  private async bumpRevision(component: string): Promise<void> {
    await bumpRevision(this.options.client, this.options.tableName, [rolloutKey(component)]);
  }

  private call<T>(send: () => Promise<T>): Promise<T> {
    return storeCall(this.options.tableName, send);
  }
}
