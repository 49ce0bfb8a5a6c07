import { type DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ReplayJob, ReplayProgress, ReplayStore } from '@vrouter/core';
import { isConditionalCheckFailed, storeCall } from './errors.js';
import { fieldsOf, type Item, isString } from './item.js';
import { keyAttributes } from './keys.js';

export interface DynamoReplayStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

const JOBS_PK = 'REPLAYS';
const jobKey = (id: string) => ({ pk: JOBS_PK, sk: `JOB#${id}` });

// Conditions, named. Jobs are few and written at page pace, so one partition holds them all.
const RUNNING = '#state = :running';
const CLAIMABLE = `${RUNNING} AND (attribute_not_exists(#owner) OR #owner = :owner OR #leaseUntil < :now)`;
const OWNED_AND_RUNNING = `${RUNNING} AND #owner = :owner`;

function decode(item: Item | undefined): ReplayJob | null {
  const fields = item === undefined ? undefined : fieldsOf(item);
  if (!fields || !isString(fields.job)) return null;
  const job = JSON.parse(fields.job) as ReplayJob;
  // Mutable fields live as attributes (conditions read them); the JSON holds the rest as created.
  return {
    ...job,
    state: fields.state as ReplayJob['state'],
    counts: fields.counts as ReplayJob['counts'],
    updatedAt: String(fields.updatedAt),
    ...(isString(fields.cursor) ? { cursor: fields.cursor } : { cursor: undefined }),
    ...(fields.counted === true ? { counted: true } : {}),
    ...(isString(fields.owner) ? { owner: fields.owner } : {}),
    ...(isString(fields.leaseUntil) ? { leaseUntil: fields.leaseUntil } : {}),
    ...(isString(fields.error) ? { error: fields.error } : {}),
  };
}

/** Replay jobs in one partition; every state change is conditional on the owner and the state. */
export class DynamoReplayStore implements ReplayStore {
  constructor(private readonly options: DynamoReplayStoreOptions) {}

  async createJob(job: ReplayJob): Promise<void> {
    const { state, counts, updatedAt, cursor: _cursor, owner: _owner, leaseUntil: _lease, error: _error, ...created } = job;
    await this.call((c) =>
      c.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: marshall({ ...jobKey(job.id), job: JSON.stringify(created), state, counts, updatedAt }, { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getJob(id: string): Promise<ReplayJob | null> {
    const { Item: item } = await this.call((c) => c.send(new GetItemCommand({ TableName: this.options.tableName, Key: keyAttributes(jobKey(id)), ConsistentRead: true })));
    return decode(item);
  }

  async listJobs(): Promise<ReplayJob[]> {
    const jobs: ReplayJob[] = [];
    let startKey: Item | undefined;
    do {
      const page = await this.call((c) =>
        c.send(
          new QueryCommand({
            TableName: this.options.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: JOBS_PK } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const job = decode(item);
        if (job) jobs.push(job);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async claimJob(id: string, owner: string, leaseUntil: string, now: string): Promise<ReplayJob | null> {
    return this.update(id, {
      UpdateExpression: 'SET #owner = :owner, #leaseUntil = :leaseUntil',
      ConditionExpression: CLAIMABLE,
      ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner', '#leaseUntil': 'leaseUntil' },
      ExpressionAttributeValues: marshall({ ':running': 'running', ':owner': owner, ':leaseUntil': leaseUntil, ':now': now }),
    });
  }

  async saveProgress(id: string, owner: string, progress: ReplayProgress): Promise<boolean> {
    const set = ['#counts = :counts', '#leaseUntil = :leaseUntil', '#updatedAt = :updatedAt'];
    const remove: string[] = [];
    const names: Record<string, string> = { '#state': 'state', '#owner': 'owner', '#counts': 'counts', '#leaseUntil': 'leaseUntil', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = {
      ':running': 'running',
      ':owner': owner,
      ':counts': progress.counts,
      ':leaseUntil': progress.leaseUntil,
      ':updatedAt': new Date().toISOString(),
    };
    if (progress.cursor !== undefined) {
      names['#cursor'] = 'cursor';
      if (progress.cursor === null) remove.push('#cursor');
      else {
        set.push('#cursor = :cursor');
        values[':cursor'] = progress.cursor;
      }
    }
    if (progress.counted) {
      set.push('#counted = :counted');
      names['#counted'] = 'counted';
      values[':counted'] = true;
    }
    if (progress.state) {
      set.push('#state = :newState');
      values[':newState'] = progress.state;
    }
    if (progress.error) {
      set.push('#error = :error');
      names['#error'] = 'error';
      values[':error'] = progress.error;
    }
    const job = await this.update(id, {
      UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: OWNED_AND_RUNNING,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values),
    });
    return job !== null;
  }

  async cancelJob(id: string): Promise<ReplayJob | null> {
    return this.update(id, {
      UpdateExpression: 'SET #state = :cancelled, #updatedAt = :now',
      ConditionExpression: RUNNING,
      ExpressionAttributeNames: { '#state': 'state', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: marshall({ ':running': 'running', ':cancelled': 'cancelled', ':now': new Date().toISOString() }),
    });
  }

  private async update(
    id: string,
    input: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Item },
  ): Promise<ReplayJob | null> {
    try {
      const { Attributes: attributes } = await this.call((c) =>
        c.send(new UpdateItemCommand({ ...input, TableName: this.options.tableName, Key: keyAttributes(jobKey(id)), ReturnValues: 'ALL_NEW' })),
      );
      return decode(attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return null;
      throw error;
    }
  }

  private call<T>(send: (client: DynamoDBClient) => Promise<T>): Promise<T> {
    return storeCall(this.options.tableName, () => send(this.options.client));
  }
}
