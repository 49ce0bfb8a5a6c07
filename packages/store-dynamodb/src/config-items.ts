import { marshall } from '@aws-sdk/util-dynamodb';
import {
  CHAIN_MODES,
  type ChainMode,
  CHANNELS,
  type ChannelName,
  type ChannelPointer,
  type Component,
  type ConfigRecord,
  type Customer,
  type Pin,
  type PinScope,
  type Project,
  SCOPES,
  type SigningKey,
  type SigningKeys,
  TOKEN_SCOPES,
  type TokenRecord,
  type TokenScope,
  TARGET_KINDS,
  type Target,
  type TargetKind,
  type Version,
} from '@vrouter/core';
import { type Fields, fieldsOf, type Item, isObject, isOptionalString, isString, isStringArray, compact } from './item.js';
import { componentKey, customerKey, type ItemKey, pinKey, projectKey, SIGNING_KEYS_SK, SK_PREFIX, servedVersionKey, signingKeysKey, tokenKey, versionKey } from './keys.js';
import { decodeRollout } from './rollout-items.js';

/**
 * Translation between routing records and config items. Records are stored field by field (readable in
 * the console); fields are picked explicitly so that nothing beyond the record reaches the table.
 */

const toItem = (key: ItemKey, fields: Fields): Item => marshall({ ...fields, pk: key.pk, sk: key.sk }, { removeUndefinedValues: true });

export const componentItem = (c: Component): Item =>
  toItem(componentKey(c.name), {
    name: c.name,
    description: c.description,
    subscriptions: c.subscriptions,
    shadow: c.shadow,
    chain: c.chain,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });

export const versionItem = (v: Version): Item =>
  toItem(versionKey(v.component, v.name), {
    component: v.component,
    name: v.name,
    target: v.target,
    maxConcurrency: v.maxConcurrency,
    recordResponse: v.recordResponse,
    registeredAt: v.registeredAt,
  });

export const pinItem = (p: Pin): Item =>
  toItem(pinKey(p.scope, p.subject, p.component), {
    scope: p.scope,
    subject: p.subject,
    component: p.component,
    channel: p.channel,
    version: p.version,
    // Not `expiresAt`: that is the table's TTL attribute, and TTL must never delete a pin.
    pinExpiresAt: p.expiresAt,
    reason: p.reason,
    createdAt: p.createdAt,
  });

export const customerItem = (c: Customer): Item => toItem(customerKey(c.id), { id: c.id, plan: c.plan });

export const projectItem = (p: Project): Item => toItem(projectKey(p.id), { id: p.id, customer: p.customer });

export const tokenItem = (t: TokenRecord): Item => toItem(tokenKey(t.name), { name: t.name, hash: t.hash, scopes: t.scopes, createdAt: t.createdAt, createdBy: t.createdBy });

/** The deployment's signing keys: secrets, so never part of an audit entry or a log line. */
export const signingKeysItem = (k: SigningKeys): Item => toItem(signingKeysKey(), { current: k.current, previous: k.previous });

const isSigningKey = (value: unknown): value is SigningKey => isObject(value) && isString(value.id) && isString(value.secret) && isString(value.createdAt);

function decodeSigningKeys(f: Fields): SigningKeys | undefined {
  if (!isSigningKey(f.current)) return undefined;
  const current = { id: f.current.id, secret: f.current.secret, createdAt: f.current.createdAt };
  const p = f.previous;
  if (!isSigningKey(p) || !isObject(p) || !isString(p.retiredAt)) return { current };
  return { current, previous: { id: p.id, secret: p.secret, createdAt: p.createdAt, retiredAt: p.retiredAt } };
}

export const servedItem = (component: string, version: string, at: string): Item => toItem(servedVersionKey(component, version), { component, version, at });

function decodeToken(f: Fields): TokenRecord | undefined {
  if (!isString(f.name) || !isString(f.hash) || !isStringArray(f.scopes) || !isString(f.createdAt) || !isString(f.createdBy)) return undefined;
  if (!f.scopes.every((s) => TOKEN_SCOPES.includes(s as TokenScope))) return undefined;
  return { name: f.name, hash: f.hash, scopes: f.scopes as TokenScope[], createdAt: f.createdAt, createdBy: f.createdBy };
}

function decodeServed(f: Fields): { component: string; version: string } | undefined {
  return isString(f.component) && isString(f.version) ? { component: f.component, version: f.version } : undefined;
}

const isChannel = (value: unknown): value is ChannelName => CHANNELS.includes(value as ChannelName);
const isScope = (value: unknown): value is PinScope => SCOPES.includes(value as PinScope);
const isTarget = (value: unknown): value is Target => isObject(value) && TARGET_KINDS.includes(value.kind as TargetKind);

function decodeComponent(f: Fields): Component | undefined {
  if (!isString(f.name) || !isStringArray(f.subscriptions) || !isString(f.createdAt) || !isString(f.updatedAt) || !isOptionalString(f.description)) return undefined;
  const shadow = isObject(f.shadow) && isString(f.shadow.version) && typeof f.shadow.percent === 'number' ? { version: f.shadow.version, percent: f.shadow.percent } : undefined;
  const chain = CHAIN_MODES.includes(f.chain as ChainMode) ? (f.chain as ChainMode) : undefined;
  return compact({ name: f.name, description: f.description, subscriptions: f.subscriptions, shadow, chain, createdAt: f.createdAt, updatedAt: f.updatedAt });
}

function decodeVersion(f: Fields): Version | undefined {
  if (!isString(f.component) || !isString(f.name) || !isTarget(f.target) || !isString(f.registeredAt)) return undefined;
  if (f.maxConcurrency !== undefined && typeof f.maxConcurrency !== 'number') return undefined;
  if (f.recordResponse !== undefined && typeof f.recordResponse !== 'boolean') return undefined;
  return compact({ component: f.component, name: f.name, target: f.target, maxConcurrency: f.maxConcurrency, recordResponse: f.recordResponse, registeredAt: f.registeredAt });
}

/** Decodes a channel item; exported because setChannel returns the pointer it stored. */
export function decodeChannel(f: Fields): ChannelPointer | undefined {
  if (!isString(f.component) || !isChannel(f.channel) || !isString(f.version) || !isString(f.updatedAt) || !isOptionalString(f.previousVersion)) return undefined;
  return compact({ component: f.component, channel: f.channel, version: f.version, previousVersion: f.previousVersion, updatedAt: f.updatedAt });
}

function decodePin(f: Fields): Pin | undefined {
  if (!isScope(f.scope) || !isString(f.subject) || !isString(f.component) || !isString(f.createdAt)) return undefined;
  if (!isOptionalString(f.pinExpiresAt) || !isOptionalString(f.reason)) return undefined;
  const common = { scope: f.scope, subject: f.subject, component: f.component, expiresAt: f.pinExpiresAt, reason: f.reason, createdAt: f.createdAt };
  // A pin routes to exactly one of a channel or a version.
  if (isChannel(f.channel) && f.version === undefined) return compact({ ...common, channel: f.channel });
  if (isString(f.version) && f.channel === undefined) return compact({ ...common, version: f.version });
  return undefined;
}

function decodeCustomer(f: Fields): Customer | undefined {
  if (!isString(f.id) || !isOptionalString(f.plan)) return undefined;
  return compact({ id: f.id, plan: f.plan });
}

function decodeProject(f: Fields): Project | undefined {
  if (!isString(f.id) || !isString(f.customer)) return undefined;
  return { id: f.id, customer: f.customer };
}

export type ConfigEntry = ConfigRecord;

/** Decodes one item of the CONFIG partition by its sort key prefix; undefined for the revision, unknown kinds and garbled items. */
export function decodeConfigItem(item: Item): ConfigEntry | undefined {
  const fields = fieldsOf(item);
  const sk = fields?.sk;
  if (fields === undefined || !isString(sk)) return undefined;
  const etag = isString(fields.etag) ? { etag: fields.etag } : {};
  const entry = <K extends ConfigEntry['kind']>(kind: K, value: Extract<ConfigEntry, { kind: K }>['value'] | undefined) =>
    value === undefined ? undefined : ({ kind, value: { ...value, ...etag } } as ConfigEntry);
  if (sk.startsWith(SK_PREFIX.component)) return entry('component', decodeComponent(fields));
  if (sk.startsWith(SK_PREFIX.version)) return entry('version', decodeVersion(fields));
  if (sk.startsWith(SK_PREFIX.channel)) return entry('channel', decodeChannel(fields));
  if (sk.startsWith(SK_PREFIX.pin)) return entry('pin', decodePin(fields));
  if (sk.startsWith(SK_PREFIX.customer)) return entry('customer', decodeCustomer(fields));
  if (sk.startsWith(SK_PREFIX.project)) return entry('project', decodeProject(fields));
  if (sk.startsWith(SK_PREFIX.token)) return entry('token', decodeToken(fields));
  if (sk.startsWith(SK_PREFIX.served)) return entry('served', decodeServed(fields));
  if (sk.startsWith(SK_PREFIX.rollout)) return entry('rollout', decodeRollout(fields));
  if (sk === SIGNING_KEYS_SK) return entry('signingKeys', decodeSigningKeys(fields));
  return undefined;
}
