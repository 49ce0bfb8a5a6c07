import { type AttributeValue, type DynamoDBClient, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { emptyCounts, type HealthCounts, type HealthIncrement, type HealthStore, LATENCY_BUCKETS, sumHealthMinutes as sumMinutes } from '@vrouter/core';
import { storeCall } from './errors.js';
import type { Item } from './item.js';
import { healthKey, healthPartition, keyAttributes } from './keys.js';
import { HEALTH_SHARDS, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './schema.js';

export interface DynamoHealthStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long minute counters are kept (TTL); default two days, enough for the 24 h window. */
  retentionSeconds?: number;
}

/** Increments written at once, so a flush of many versions does not open hundreds of sockets. */
const FLUSH_CONCURRENCY = 8;
const LATENCY_ATTRIBUTES = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `l${i}`);

/**
 * Health counters (layout: schema.ts): one UpdateItem with ADD per (minute, version) per flush, never a read first;
 * a window is read with one Query per shard. Throws VR_STORE_UNAVAILABLE when the store is unreachable.
 */
export class DynamoHealthStore implements HealthStore {
  constructor(private readonly options: DynamoHealthStoreOptions) {}

  async add(increments: HealthIncrement[], shard: number): Promise<void> {
    let next = 0;
    const errors: unknown[] = [];
    await Promise.all(
      Array.from({ length: Math.min(FLUSH_CONCURRENCY, increments.length) }, async () => {
        while (next < increments.length) {
          const increment = increments[next++]!;
          await this.addOne(increment, shard).catch((error: unknown) => errors.push(error));
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  private addOne({ minute, component, version, counts }: HealthIncrement, shard: number): Promise<unknown> {
    const names: Record<string, string> = { '#d': 'd', '#s': 's', '#f': 'f', '#ttl': TTL_ATTRIBUTE };
    const values: Record<string, AttributeValue> = {
      ':d': { N: String(counts.dispatches) },
      ':s': { N: String(counts.succeeded) },
      ':f': { N: String(counts.failed) },
      ':ttl': { N: String(Math.floor(Date.parse(`${minute}:00Z`) / 1000) + (this.options.retentionSeconds ?? 2 * 86_400)) },
    };
    const adds = ['#d :d', '#s :s', '#f :f'];
    counts.latency.forEach((n, i) => {
      if (n === 0) return;
      names[`#l${i}`] = LATENCY_ATTRIBUTES[i]!;
      values[`:l${i}`] = { N: String(n) };
      adds.push(`#l${i} :l${i}`);
    });
    return storeCall(this.options.tableName, () =>
      this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: keyAttributes(healthKey(component, version, minute, shard)),
          UpdateExpression: `ADD ${adds.join(', ')} SET #ttl = :ttl`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async read(component: string, fromMinute: string, toMinute: string): Promise<Map<string, HealthCounts>> {
    return sumMinutes(await this.readMinutes(component, fromMinute, toMinute));
  }

  async readMinutes(component: string, fromMinute: string, toMinute: string): Promise<Map<string, Map<string, HealthCounts>>> {
    const byVersion = new Map<string, Map<string, HealthCounts>>();
    await Promise.all(
      Array.from({ length: HEALTH_SHARDS }, async (_, shard) => {
        let startKey: Item | undefined;
        do {
          const page = await storeCall(this.options.tableName, () =>
            this.options.client.send(
              new QueryCommand({
                TableName: this.options.tableName,
                KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
                ExpressionAttributeValues: { ':pk': { S: healthPartition(component, shard) }, ':from': { S: fromMinute }, ':to': { S: `${toMinute}#\uffff` } },
                ExclusiveStartKey: startKey,
              }),
            ),
          );
          for (const item of page.Items ?? []) addItem(byVersion, item);
          startKey = page.LastEvaluatedKey;
        } while (startKey !== undefined);
      }),
    );
    return byVersion;
  }
}

function addItem(byVersion: Map<string, Map<string, HealthCounts>>, item: Item): void {
  // Sort key: minute#version (keys.ts).
  const sk = item[SORT_KEY]?.S;
  const at = sk?.indexOf('#') ?? -1;
  if (!sk || at <= 0 || at === sk.length - 1) return;
  const minute = sk.slice(0, at);
  const version = sk.slice(at + 1);
  const minutes = byVersion.get(version) ?? new Map<string, HealthCounts>();
  byVersion.set(version, minutes);
  const counts = minutes.get(minute) ?? emptyCounts();
  const n = (name: string) => {
    const value = Number(item[name]?.N ?? 0);
    return Number.isFinite(value) ? value : 0;
  };
  counts.dispatches += n('d');
  counts.succeeded += n('s');
  counts.failed += n('f');
  LATENCY_ATTRIBUTES.forEach((name, i) => {
    counts.latency[i] = (counts.latency[i] ?? 0) + n(name);
  });
  minutes.set(minute, counts);
}
