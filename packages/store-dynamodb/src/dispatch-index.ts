import type { DispatchRecord } from '@vrouter/core';
import { dispatchKey, eventPartition, eventRef, leaseShard, pendingShard, shardedKey, shardOf } from './keys.js';
import { GSI1, GSI2, GSI3, GSI4, GSI5, GSI6, GSI7, SHARDS } from './schema.js';

/**
 * Index keys of a DISPATCH item (layout: schema.ts). The status-dependent ones (lease while pending, failed
 * while failed) change on every completion, so their values are also kept precomputed on the item
 * (`failedDayKey`, `failedComponentKey`) for an UpdateItem to copy: expressions cannot compute strings.
 */

const arrival = (record: DispatchRecord): string => record.receivedAt ?? record.claimedAt;

export function arrivalSortKey(record: Pick<DispatchRecord, 'source' | 'id'> & { receivedAt: string }): string {
  return `${new Date(record.receivedAt).toISOString()}#${eventRef(record.source, record.id)}`;
}

export function dispatchIndexKeys(record: DispatchRecord): Record<string, string> {
  return { ...pendingIndexKeys(record), ...listingIndexKeys(record) };
}

/** gsi7, the safety net's index: every pending claim, by claim time, until it completes. */
function pendingIndexKeys(record: DispatchRecord): Record<string, string> {
  if (record.status !== 'pending') return {};
  return { [GSI7.partitionKey]: pendingShard(dispatchKey(record).pk), [GSI7.sortKey]: new Date(record.claimedAt).toISOString() };
}

function listingIndexKeys(record: DispatchRecord): Record<string, string> {
  // A replay's or shadow's own record is looked up through its event, by recovery while pending, and (shadow)
  // by component for comparison; never in the listing indexes, which show each event's original dispatch.
  if (record.replayId !== undefined || record.shadow) {
    const lease =
      record.status === 'pending' && record.leaseUntil !== undefined ? { [GSI2.partitionKey]: leaseShard(dispatchKey(record).pk), [GSI2.sortKey]: record.leaseUntil } : {};
    const at = new Date(arrival(record)).toISOString();
    return record.shadow ? { ...lease, [GSI3.partitionKey]: `S#${record.component}`, [GSI3.sortKey]: arrivalSortKey({ ...record, receivedAt: at }) } : lease;
  }
  const at = new Date(arrival(record)).toISOString();
  const sort = arrivalSortKey({ ...record, receivedAt: at });
  // One hash per event, so an event's log record and all its dispatches share a shard in every index.
  const pk = eventPartition(record.source, record.id);
  const shard = (count: number) => shardOf(pk, count);
  const keys: Record<string, string> = {
    [GSI1.partitionKey]: shardedKey(`DISPATCHES#${at.slice(0, 13)}`, shard(SHARDS.time), SHARDS.time),
    [GSI1.sortKey]: sort,
    [GSI3.partitionKey]: shardedKey(`D#${record.component}`, shard(SHARDS.component), SHARDS.component),
    [GSI3.sortKey]: sort,
    failedDayKey: shardedKey(`FAILED#${at.slice(0, 10)}`, shard(SHARDS.failedDay), SHARDS.failedDay),
    failedComponentKey: shardedKey(`F#${record.component}`, shard(SHARDS.failedComponent), SHARDS.failedComponent),
    failedCustomerKey: shardedKey(`F#${record.component}#${record.customer ?? ''}`, shard(SHARDS.failedCustomer), SHARDS.failedCustomer),
  };
  if (record.customer) {
    keys[GSI4.partitionKey] = shardedKey(`D#${record.component}#${record.customer}`, shard(SHARDS.componentCustomer), SHARDS.componentCustomer);
    keys[GSI4.sortKey] = sort;
  }
  if (record.status === 'pending' && record.leaseUntil !== undefined) {
    keys[GSI2.partitionKey] = leaseShard(dispatchKey(record).pk);
    keys[GSI2.sortKey] = record.leaseUntil;
  } else if (record.status === 'failed') {
    keys[GSI2.partitionKey] = keys.failedDayKey!;
    keys[GSI2.sortKey] = sort;
    keys[GSI5.partitionKey] = keys.failedCustomerKey!;
    keys[GSI5.sortKey] = sort;
    keys[GSI6.partitionKey] = keys.failedComponentKey!;
    keys[GSI6.sortKey] = sort;
  }
  return keys;
}

/** UpdateExpression parts that move a DISPATCH item into or out of the failed indexes for a new status. */
export function statusIndexUpdate(status: DispatchRecord['status']): { set: string[]; remove: string[]; names: Record<string, string> } {
  const names = { '#g2pk': GSI2.partitionKey, '#g2sk': GSI2.sortKey, '#g5pk': GSI5.partitionKey, '#g5sk': GSI5.sortKey, '#g6pk': GSI6.partitionKey, '#g6sk': GSI6.sortKey };
  if (status === 'failed') {
    return {
      set: ['#g2pk = #failedDay', '#g2sk = #g3sk', '#g5pk = #failedCustomer', '#g5sk = #g3sk', '#g6pk = #failedComponent', '#g6sk = #g3sk'],
      remove: [],
      names: { ...names, '#g3sk': GSI3.sortKey, '#failedDay': 'failedDayKey', '#failedCustomer': 'failedCustomerKey', '#failedComponent': 'failedComponentKey' },
    };
  }
  return { set: [], remove: ['#g2pk', '#g2sk', '#g5pk', '#g5sk', '#g6pk', '#g6sk'], names };
}

/** UpdateExpression parts that take a completed DISPATCH item out of the pending index (gsi7) and drop its handoff mark. */
export function completionIndexUpdate(): { remove: string[]; names: Record<string, string> } {
  return { remove: ['#g7pk', '#g7sk', '#handedOffAttempt'], names: { '#g7pk': GSI7.partitionKey, '#g7sk': GSI7.sortKey, '#handedOffAttempt': 'handedOffAttempt' } };
}
