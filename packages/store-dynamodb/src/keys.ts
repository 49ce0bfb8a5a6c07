import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type ChannelName, type DispatchKey, type PinScope, ValidationError } from '@vrouter/core';
import { HEALTH_SHARDS, LEASE_SHARDS, PARTITION_KEY, SORT_KEY } from './schema.js';

/** Builds every key of the layout documented in schema.ts; nothing else concatenates key strings. */

export interface ItemKey {
  pk: string;
  sk: string;
}

export const CONFIG_PK = 'CONFIG';
export const REVISION_SK = 'REVISION';
export const SIGNING_KEYS_SK = 'SIGNING_KEYS';
export const EVENT_SK = 'EVENT';

export const SK_PREFIX = {
  component: 'COMPONENT#',
  version: 'VERSION#',
  channel: 'CHANNEL#',
  pin: 'PIN#',
  customer: 'CUSTOMER#',
  project: 'PROJECT#',
  dispatch: 'DISPATCH#',
  token: 'TOKEN#',
  replay: 'REPLAY#',
  shadow: 'SHADOW#',
  served: 'SERVED#',
  rollout: 'ROLLOUT#',
} as const;

/** A config key segment; `#` would let two records share a key, so it is refused rather than stored. */
function segment(value: string, field: string): string {
  if (value.includes('#')) throw new ValidationError(field, `${field} must not contain "#", got ${JSON.stringify(value)}.`);
  return value;
}

const config = (sk: string): ItemKey => ({ pk: CONFIG_PK, sk });

export const revisionKey = (): ItemKey => config(REVISION_SK);
export const signingKeysKey = (): ItemKey => config(SIGNING_KEYS_SK);
export const componentKey = (component: string): ItemKey => config(`${SK_PREFIX.component}${segment(component, 'component')}`);
export const versionKey = (component: string, version: string): ItemKey => config(`${SK_PREFIX.version}${segment(component, 'component')}#${segment(version, 'version')}`);
export const channelKey = (component: string, channel: ChannelName): ItemKey => config(`${SK_PREFIX.channel}${segment(component, 'component')}#${segment(channel, 'channel')}`);
export const pinKey = (scope: PinScope, subject: string, component: string): ItemKey =>
  config(`${SK_PREFIX.pin}${segment(scope, 'scope')}#${segment(subject, 'subject')}#${segment(component, 'component')}`);
export const customerKey = (id: string): ItemKey => config(`${SK_PREFIX.customer}${segment(id, 'id')}`);
export const projectKey = (id: string): ItemKey => config(`${SK_PREFIX.project}${segment(id, 'id')}`);
export const tokenKey = (name: string): ItemKey => config(`${SK_PREFIX.token}${segment(name, 'name')}`);
export const servedVersionKey = (component: string, version: string): ItemKey => config(`${SK_PREFIX.served}${segment(component, 'component')}#${segment(version, 'version')}`);

export const rolloutKey = (component: string): ItemKey => config(`${SK_PREFIX.rollout}${segment(component, 'component')}`);

/** The health partition of a component's counters in one shard; a router always adds to its own shard. */
export const healthPartition = (component: string, shard: number): string => `HEALTH#${segment(component, 'component')}#${shard % HEALTH_SHARDS}`;
/** One minute's counters of one version in one shard; sort keys order by minute, so a window is one range. */
export const healthKey = (component: string, version: string, minute: string, shard: number): ItemKey => ({
  pk: healthPartition(component, shard),
  sk: `${minute}#${segment(version, 'version')}`,
});

/**
 * An event's (source, id) as a key segment. Both are arbitrary strings; encodeURIComponent never emits `#`, so the
 * segment is unambiguous. DynamoDB caps partition keys at 2048 bytes and index sort keys at 1024, so a long pair is
 * replaced by its SHA-256 (`h:` marks it; an encoded segment never contains `:`).
 */
export function eventRef(source: string, id: string): string {
  const plain = `${encodeURIComponent(source)}#${encodeURIComponent(id)}`;
  return plain.length <= MAX_PLAIN_REF ? plain : `h:${createHash('sha256').update(source).update('\u0000').update(id).digest('hex')}`;
}

/** Leaves room in a 1024-byte index sort key for the timestamp in front. */
const MAX_PLAIN_REF = 900;

export const eventPartition = (source: string, id: string): string => `EVENT#${eventRef(source, id)}`;
export const eventKey = (source: string, id: string): ItemKey => ({ pk: eventPartition(source, id), sk: EVENT_SK });
/** The original dispatch of an event to a component, that of one replay (replayId), or the shadow dispatch (shadow). */
export function dispatchKey(key: DispatchKey): ItemKey {
  const component = segment(key.component, 'component');
  const pk = eventPartition(key.source, key.id);
  if (key.replayId !== undefined) return { pk, sk: `${SK_PREFIX.replay}${segment(key.replayId, 'replayId')}#${component}` };
  return { pk, sk: `${key.shadow ? SK_PREFIX.shadow : SK_PREFIX.dispatch}${component}` };
}

/**
 * The shard (0 to count - 1) of an event partition: FNV-1a of the key, so it is stable for the item's life, the same
 * on every router, and the same for every item of one event (its log record and each of its dispatches).
 */
export function shardOf(pk: string, count: number): number {
  if (count <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < pk.length; i++) {
    hash ^= pk.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/** An index partition key spread over `count` shards: `<base>#<shard>`, or `base` itself when unsharded. */
export const shardedKey = (base: string, shard: number, count: number): string => (count <= 1 ? base : `${base}#${shard}`);

/** Every shard value of an index partition key, in shard order; readers query them all. */
export const allShards = (base: string, count: number): string[] => Array.from({ length: Math.max(1, count) }, (_, i) => shardedKey(base, i, count));

/** The lease-index key of an event partition. */
export const leaseShard = (pk: string): string => `LEASES#${shardOf(pk, LEASE_SHARDS)}`;

export const leaseShards = (): string[] => Array.from({ length: LEASE_SHARDS }, (_, i) => `LEASES#${i}`);

/** The pending-index shard of an event partition: the lease shard's number under its own prefix. */
export const pendingShard = (pk: string): string => leaseShard(pk).replace('LEASES#', 'PENDING#');

export const pendingShards = (): string[] => Array.from({ length: LEASE_SHARDS }, (_, i) => `PENDING#${i}`);

/** The key in the wire format of GetItem, UpdateItem and DeleteItem. */
export const keyAttributes = (key: ItemKey): Record<string, AttributeValue> => ({
  [PARTITION_KEY]: { S: key.pk },
  [SORT_KEY]: { S: key.sk },
});
