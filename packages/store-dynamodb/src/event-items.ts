import { gunzipSync, gzipSync } from 'node:zlib';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  VrouterError,
  CHANNELS,
  type ChannelName,
  type CloudEvent,
  type DispatchError,
  type DispatchHistoryEntry,
  type DispatchRecord,
  type DispatchStatus,
  type EventRecord,
  type ExpiredClaim,
  type PinScope,
  PIN_SOURCES,
  type PinSource,
  SCOPES,
  ValidationError,
} from '@vrouter/core';
import { compact, type Fields, fieldsOf, type Item, isObject, isOptionalString, isString, isStringArray } from './item.js';
import { dispatchIndexKeys } from './dispatch-index.js';
import { dispatchKey, EVENT_SK, eventKey, SK_PREFIX } from './keys.js';
import { TTL_ATTRIBUTE } from './schema.js';

/** Translation between event and dispatch records and their items. */

const DISPATCH_STATUSES: readonly DispatchStatus[] = ['pending', 'dispatched', 'succeeded', 'failed'];

/**
 * The EVENT item. The CloudEvent is kept as a JSON string rather than a map: events may carry keys and
 * values (empty names, deep nesting, numbers beyond DynamoDB's precision) that a map would refuse or change.
 * Throws ValidationError when receivedAt is not a timestamp.
 */
export function eventItem(record: EventRecord, expiresAt: number): Item {
  if (Number.isNaN(Date.parse(record.receivedAt))) {
    throw new ValidationError('receivedAt', `receivedAt must be a timestamp, got ${JSON.stringify(record.receivedAt)}.`);
  }
  return marshall(
    {
      source: record.source,
      id: record.id,
      type: record.type,
      receivedAt: record.receivedAt,
      customer: record.customer,
      project: record.project,
      plan: record.plan,
      components: record.components,
      chain: record.chain,
      override: record.override,
      context: record.context,
      ...eventBody(record.event),
      [TTL_ATTRIBUTE]: expiresAt,
      ...eventKey(record.source, record.id),
    },
    { removeUndefinedValues: true },
  );
}

/**
 * The event's log fields carried on its DISPATCH item (the attributes an EVENT item has, under the same names, so
 * one decoder reads both), or undefined when the event is too large to carry: every index projects the whole item,
 * so a body on the claim is copied into each index entry it writes, and a large one is cheaper stored once apart.
 */
export function loggedEventFields(record: EventRecord): Record<string, unknown> | undefined {
  const json = JSON.stringify(record.event);
  if (Buffer.byteLength(json) > CARRY_AT_MOST) return undefined;
  return { type: record.type, components: record.components, chain: record.chain, override: record.override, context: record.context, event: json };
}

/** The largest event JSON a claim carries; see loggedEventFields. */
export const CARRY_AT_MOST = 4 * 1024;

/**
 * The DISPATCH item; nullable fields are stored as NULL so that the record reads back as written. `logged` holds the
 * event's log fields when this claim records the event too (loggedEventFields).
 */
export function dispatchItem(record: DispatchRecord, expiresAt: number, logged?: Record<string, unknown>): Item {
  return marshall(
    {
      ...logged,
      source: record.source,
      id: record.id,
      component: record.component,
      idempotencyKey: record.idempotencyKey,
      status: record.status,
      version: record.version,
      channel: record.channel,
      pin: record.pin === null ? null : { scope: record.pin.scope, subject: record.pin.subject },
      pinSource: record.pinSource,
      attempts: record.attempts,
      claimedAt: record.claimedAt,
      updatedAt: record.updatedAt,
      leaseUntil: record.leaseUntil,
      claimToken: record.claimToken,
      lastError: record.lastError === undefined ? undefined : { code: record.lastError.code, message: record.lastError.message },
      response: record.response,
      receivedAt: record.receivedAt,
      customer: record.customer,
      project: record.project,
      plan: record.plan,
      lastReplayId: record.lastReplayId,
      overrideSubject: record.overrideSubject,
      replayId: record.replayId,
      shadow: record.shadow,
      history: record.history?.map(historyAttribute),
      handedOffAttempt: record.status === 'pending' ? record.handedOffAttempt : undefined,
      [TTL_ATTRIBUTE]: expiresAt,
      ...dispatchIndexKeys(record),
      ...dispatchKey(record),
    },
    { removeUndefinedValues: true },
  );
}

const isNullableChannel = (value: unknown): value is ChannelName | null => value === null || CHANNELS.includes(value as ChannelName);

/**
 * The CloudEvent as stored: JSON text up to 64 KiB, gzip-compressed JSON above (binary `eventGz`). DynamoDB items
 * hold 400 KiB; an event that does not fit even compressed (about 350 KiB of it) is refused with VR_PAYLOAD_TOO_LARGE
 * before anything is written.
 */
function eventBody(event: CloudEvent): { event: string } | { eventGz: Uint8Array } {
  const json = JSON.stringify(event);
  if (Buffer.byteLength(json) <= COMPRESS_ABOVE) return { event: json };
  const compressed = gzipSync(json);
  if (compressed.byteLength > MAX_STORED_EVENT) {
    throw new VrouterError(
      'VR_PAYLOAD_TOO_LARGE',
      `The event is ${Math.ceil(compressed.byteLength / 1024)} KiB even compressed; the event log stores at most ${MAX_STORED_EVENT / 1024} KiB per event.`,
      {
        field: 'data',
      },
    );
  }
  return { eventGz: compressed };
}

const COMPRESS_ABOVE = 64 * 1024;
const MAX_STORED_EVENT = 350 * 1024;

function parseEvent(json: unknown, compressed: unknown): CloudEvent | undefined {
  if (compressed instanceof Uint8Array) {
    try {
      json = gunzipSync(compressed).toString('utf8');
    } catch {
      return undefined;
    }
  }
  if (!isString(json)) return undefined;
  try {
    const event: unknown = JSON.parse(json);
    return isObject(event) ? (event as CloudEvent) : undefined;
  } catch {
    return undefined;
  }
}

function decodeEvent(f: Fields): EventRecord | undefined {
  const event = parseEvent(f.event, f.eventGz);
  if (event === undefined || !isString(f.source) || !isString(f.id) || !isString(f.type) || !isString(f.receivedAt)) return undefined;
  if (!isStringArray(f.components)) return undefined;
  if (!isOptionalString(f.customer) || !isOptionalString(f.project) || !isOptionalString(f.plan)) return undefined;
  return compact({
    source: f.source,
    id: f.id,
    type: f.type,
    receivedAt: f.receivedAt,
    customer: f.customer,
    project: f.project,
    plan: f.plan,
    components: f.components,
    event,
    chain: decodeChain(f.chain),
    override:
      isObject(f.override) && isString(f.override.expiresAt) && isOptionalString(f.override.subject)
        ? compact({ subject: f.override.subject, expiresAt: f.override.expiresAt })
        : undefined,
    context: isString(f.context) ? f.context : undefined,
  });
}

function decodeChain(value: unknown): EventRecord['chain'] {
  if (!isObject(value) || !isObject(value.root) || !isString(value.root.source) || !isString(value.root.id) || typeof value.depth !== 'number') return undefined;
  return { root: { source: value.root.source, id: value.root.id }, depth: value.depth };
}

function decodePin(value: unknown): { scope: PinScope; subject: string } | null | undefined {
  if (value === null) return null;
  if (!isObject(value) || !SCOPES.includes(value.scope as PinScope) || !isString(value.subject)) return undefined;
  return { scope: value.scope as PinScope, subject: value.subject };
}

function decodeError(value: unknown): DispatchError | null | undefined {
  if (value === undefined) return null;
  if (!isObject(value) || !isString(value.code) || !isString(value.message)) return undefined;
  return { code: value.code, message: value.message };
}

/** One history entry as stored (absent members left out, so the list reads back as written). */
export function historyAttribute(entry: DispatchHistoryEntry): Record<string, unknown> {
  return {
    version: entry.version,
    status: entry.status,
    attempts: entry.attempts,
    at: entry.at,
    ...(entry.replayId !== undefined ? { replayId: entry.replayId } : {}),
    ...(entry.error ? { error: { code: entry.error.code, message: entry.error.message } } : {}),
  };
}

function decodeHistory(value: unknown): DispatchHistoryEntry[] | null | undefined {
  if (value === undefined) return null;
  if (!Array.isArray(value)) return undefined;
  const entries: DispatchHistoryEntry[] = [];
  for (const e of value) {
    if (!isObject(e) || !(e.version === null || isString(e.version)) || !isString(e.at) || typeof e.attempts !== 'number') return undefined;
    if (e.status !== 'dispatched' && e.status !== 'succeeded' && e.status !== 'failed') return undefined;
    const error = decodeError(e.error);
    if (error === undefined || !isOptionalString(e.replayId)) return undefined;
    entries.push({
      version: e.version,
      status: e.status,
      attempts: e.attempts,
      at: e.at,
      ...(isString(e.replayId) ? { replayId: e.replayId } : {}),
      ...(error ? { error } : {}),
    });
  }
  return entries;
}

/** Decodes a DISPATCH item; undefined when it is garbled. */
export function decodeDispatch(f: Fields): DispatchRecord | undefined {
  const pin = decodePin(f.pin);
  const lastError = decodeError(f.lastError);
  const history = decodeHistory(f.history);
  if (pin === undefined || lastError === undefined || history === undefined) return undefined;
  if (!isString(f.source) || !isString(f.id) || !isString(f.component) || !isString(f.idempotencyKey)) return undefined;
  if (!DISPATCH_STATUSES.includes(f.status as DispatchStatus) || typeof f.attempts !== 'number') return undefined;
  if (!(f.version === null || isString(f.version)) || !isNullableChannel(f.channel)) return undefined;
  if (!(f.pinSource === null || PIN_SOURCES.includes(f.pinSource as PinSource))) return undefined;
  if (!isString(f.claimedAt) || !isString(f.updatedAt)) return undefined;
  if (!isOptionalString(f.leaseUntil) || !isOptionalString(f.claimToken) || !isOptionalString(f.response)) return undefined;
  return compact({
    source: f.source,
    id: f.id,
    component: f.component,
    idempotencyKey: f.idempotencyKey,
    status: f.status as DispatchStatus,
    version: f.version,
    channel: f.channel,
    pin,
    pinSource: f.pinSource as PinSource | null,
    attempts: f.attempts,
    claimedAt: f.claimedAt,
    updatedAt: f.updatedAt,
    leaseUntil: f.leaseUntil,
    claimToken: f.claimToken,
    lastError: lastError ?? undefined,
    response: f.response,
    receivedAt: isString(f.receivedAt) ? f.receivedAt : undefined,
    customer: isString(f.customer) ? f.customer : undefined,
    project: isString(f.project) ? f.project : undefined,
    plan: isString(f.plan) ? f.plan : undefined,
    lastReplayId: isString(f.lastReplayId) ? f.lastReplayId : undefined,
    overrideSubject: isString(f.overrideSubject) ? f.overrideSubject : undefined,
    replayId: isString(f.replayId) ? f.replayId : undefined,
    shadow: f.shadow === true ? true : undefined,
    history: history ?? undefined,
    handedOffAttempt: typeof f.handedOffAttempt === 'number' ? f.handedOffAttempt : undefined,
  });
}

/** A DISPATCH (or replay, or shadow) item as a record; undefined when it cannot be read. */
export function decodeDispatchItem(item: Item): DispatchRecord | undefined {
  const fields = fieldsOf(item);
  return fields === undefined ? undefined : decodeDispatch(fields);
}

export type EventPartitionEntry =
  | { kind: 'event'; value: EventRecord }
  | { kind: 'dispatch'; value: DispatchRecord; logged?: EventRecord }
  | { kind: 'replay' | 'shadow'; value: DispatchRecord };

/**
 * Decodes one item of an event partition by its sort key. Returns undefined for sort keys of other kinds
 * (written by a later version), and `garbled` when a known kind cannot be read.
 */
export function decodeEventPartitionItem(item: Item): EventPartitionEntry | 'garbled' | undefined {
  const fields = fieldsOf(item);
  const sk = fields?.sk;
  if (fields === undefined || !isString(sk)) return 'garbled';
  if (sk === EVENT_SK) {
    const value = decodeEvent(fields);
    return value === undefined ? 'garbled' : { kind: 'event', value };
  }
  if (sk.startsWith(SK_PREFIX.dispatch) || sk.startsWith(SK_PREFIX.replay) || sk.startsWith(SK_PREFIX.shadow)) {
    const value = decodeDispatch(fields);
    if (value === undefined) return 'garbled';
    if (value.replayId !== undefined) return { kind: 'replay', value };
    if (value.shadow) return { kind: 'shadow', value };
    if (fields.event === undefined && fields.eventGz === undefined) return { kind: 'dispatch', value };
    const logged = decodeEvent(fields);
    return logged === undefined ? 'garbled' : { kind: 'dispatch', value, logged };
  }
  return undefined;
}

/**
 * A pending claim as the lease and pending indexes carry it (schema.ts INDEX_ATTRIBUTES): what recovery needs to take it
 * over. Undefined for anything else (completed meanwhile, or garbled).
 */
export function decodePendingClaim(item: Item): ExpiredClaim | undefined {
  const f = fieldsOf(item);
  if (f === undefined || f.status !== 'pending') return undefined;
  if (!isString(f.source) || !isString(f.id) || !isString(f.component) || !isString(f.claimToken) || !isString(f.leaseUntil)) return undefined;
  return {
    source: f.source,
    id: f.id,
    component: f.component,
    claimToken: f.claimToken,
    leaseUntil: f.leaseUntil,
    ...(isString(f.replayId) ? { replayId: f.replayId } : {}),
    ...(f.shadow === true ? { shadow: true } : {}),
  };
}
