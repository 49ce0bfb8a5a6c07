import type { CloudEvent } from './cloudevent.js';
import type { ChannelName, ChannelPointer, Component, Customer, Pin, PinScope, Project, Target, TokenRecord, Version } from './model.js';
import type { PinSource } from './resolve.js';
import type { SigningKeys } from './signing.js';
import type { RoutingSnapshot } from './snapshot.js';

/**
 * Ports: what the router needs from storage and from targets. Adapters (DynamoDB, Lambda, ...) implement
 * them and only translate; the invariants live with the callers in core and the router service.
 */

export const DISPATCH_STATUSES = ['pending', 'dispatched', 'succeeded', 'failed'] as const;
export type DispatchStatus = (typeof DISPATCH_STATUSES)[number];

export interface DispatchKey {
  source: string;
  id: string;
  component: string;
  /** Set on the dispatch records of a replay: one per (event, component, replay), apart from the original. */
  replayId?: string;
  /** Set on the record of a shadow dispatch: one per (event, component), never affecting the original. */
  shadow?: boolean;
}

export interface DispatchError {
  /** A stable code (VR_*) or the target's own error class, e.g. a Lambda FunctionError type. */
  code: string;
  message: string;
}

export interface DispatchRecord extends DispatchKey {
  idempotencyKey: string;
  status: DispatchStatus;
  /** Null when no version could be resolved; the record then is `failed` with VR_NO_ROUTABLE_VERSION. */
  version: string | null;
  channel: ChannelName | null;
  pin: { scope: PinScope; subject: string } | null;
  pinSource: PinSource | null;
  attempts: number;
  claimedAt: string;
  updatedAt: string;
  /** Until when the claimer owns the record; after it, a recoverer may take over. */
  leaseUntil?: string;
  /** Secret-free random id of the claim, so only the claimer completes it. */
  claimToken?: string;
  lastError?: DispatchError;
  /** The target's answer (RequestResponse), truncated to the configured size. */
  response?: string;
  /** When the event arrived, and who it was for: copied from the event so queries need not read it. */
  receivedAt?: string;
  customer?: string;
  project?: string;
  plan?: string;
  /** The replay that last dispatched this event for this component, if any. */
  lastReplayId?: string;
  /**
   * While pending: the attempt last handed (or about to be handed) to the target, whose outcome is not recorded.
   * A recoverer that finds it knows the target may already have the event: it dispatches again with the same
   * idempotency key (at-least-once), never as a first delivery.
   */
  handedOffAttempt?: number;
  /** Set when an override decided the version (pinSource `override`): the token's subject, never the token. */
  overrideSubject?: string;
  /**
   * Every outcome of the original dispatch to this component, oldest first: the original attempt, then each replay
   * that completed. The record's own version, status, attempts and error are those of the last entry.
   */
  history?: DispatchHistoryEntry[];
}

/** One completed dispatch of an event to a component: the original, or a replay (`replayId`). */
export interface DispatchHistoryEntry {
  version: string | null;
  status: Exclude<DispatchStatus, 'pending'>;
  attempts: number;
  at: string;
  replayId?: string;
  error?: DispatchError;
}

/** Which dispatch records to list: a time window and optional filters, one row per (event, component). */
export interface DispatchQuery {
  from: string;
  to: string;
  component?: string;
  customer?: string;
  project?: string;
  version?: string;
  status?: DispatchStatus;
  /** Oldest first (replays) or newest first (listing, the default). */
  order?: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

export interface DispatchPage {
  items: DispatchRecord[];
  cursor?: string;
  /** Items the store read to produce this page, for measuring query overhead. */
  scanned: number;
}

export interface EventRecord {
  source: string;
  id: string;
  type: string;
  receivedAt: string;
  customer?: string;
  project?: string;
  plan?: string;
  components: string[];
  event: CloudEvent;
  /** Set when the event continued a chain (it carried a context back): the chain's first event and this one's depth. */
  chain?: { root: { source: string; id: string }; depth: number };
  /** Set when the event (or its chain) carried an override: whose, and until when; never the token. */
  override?: { subject?: string; expiresAt: string };
  /** The signed chain context its targets were handed, so recovery and replays hand on the same one. */
  context?: string;
}

export type ClaimResult = { claimed: true; record: DispatchRecord } | { claimed: false; existing: DispatchRecord };

export interface DispatchCompletion {
  status: Exclude<DispatchStatus, 'pending'>;
  attempts: number;
  error?: DispatchError;
  response?: string;
}

/** Durable log of events and the idempotency ledger of their dispatches. */
export interface EventStore {
  /** Records the event once; a second call for the same (source, id) keeps the first record and returns false. */
  recordEvent(record: EventRecord): Promise<boolean>;
  /**
   * Claims a dispatch with a conditional write; exactly one concurrent caller per key gets `claimed: true`. With
   * `logged`, the claim also records the event (as recordEvent would, unless it was already recorded): a
   * single-component event is logged and claimed in one write. getEvent reads the event back either way.
   */
  claimDispatch(record: DispatchRecord, logged?: EventRecord): Promise<ClaimResult>;
  /** Writes the outcome if `claimToken` still owns the record; returns false when it no longer does. */
  completeDispatch(key: DispatchKey, claimToken: string, completion: DispatchCompletion): Promise<boolean>;
  /** The event, its original dispatches and its replays' dispatches; null when it was never recorded (or expired). */
  getEvent(source: string, id: string): Promise<{ event: EventRecord; dispatches: DispatchRecord[]; replays: DispatchRecord[]; shadows: DispatchRecord[] } | null>;
  /** Dispatch records in a window, filtered, from indexes chosen so that a page reads little beyond what it returns. */
  listDispatches(query: DispatchQuery): Promise<DispatchPage>;
  /** Shadow dispatches of a component in a window, newest first, each with the original dispatch it mirrored. */
  listShadowPairs(component: string, from: string, to: string, limit: number): Promise<{ shadow: DispatchRecord; primary: DispatchRecord | null }[]>;
  /**
   * Extends the lease before another attempt and records the attempt count and the last error, if `claimToken`
   * still owns the pending record; returns false when it no longer does.
   */
  renewClaim(key: DispatchKey, claimToken: string, renewal: ClaimRenewal): Promise<boolean>;
  /** Pending claims whose lease ended before `now`, oldest first, without scanning the table. May be slightly stale. */
  findExpiredClaims(now: string, limit: number): Promise<ExpiredClaim[]>;
  /**
   * The safety net under findExpiredClaims: pending claims made before `claimedBefore` whose lease ended before `now`,
   * found through an index of their own (not the lease index, whose entry may be missing), at most `limit`, no scan.
   */
  findStalePendingClaims(claimedBefore: string, now: string, limit: number): Promise<ExpiredClaim[]>;
  /**
   * Takes over a pending claim whose lease has ended, if it is still held by `expected.claimToken`: exactly one of
   * several concurrent recoverers succeeds. Returns the record as taken over, or null.
   */
  takeOverClaim(expected: ExpiredClaim, claimToken: string, leaseUntil: string, now: string): Promise<DispatchRecord | null>;
}

export interface ClaimRenewal {
  leaseUntil: string;
  attempts: number;
  lastError?: DispatchError;
  /** The attempt about to be (or being) handed to the target; absent keeps what the record says. */
  handedOffAttempt?: number;
}

export interface ExpiredClaim extends DispatchKey {
  claimToken: string;
  leaseUntil: string;
}

/**
 * Routing configuration: written by admins, read whole into a snapshot by routers. Every write bumps the
 * revision after writing, honours WriteOptions (throwing VR_PRECONDITION_FAILED), and returns what it replaced.
 */
export interface RoutingConfigStore {
  /** The configuration revision; cheap (one item), polled by every router. */
  revision(): Promise<number>;
  loadSnapshot(): Promise<RoutingSnapshot>;
  putComponent(component: Component, options?: WriteOptions): Promise<Written<Component>>;
  putVersion(version: Version, options?: WriteOptions): Promise<Written<Version>>;
  /** Deletes the component record; returns it, or null when it did not exist. Its versions, channels and pins are the caller's to check. */
  deleteComponent(name: string, options?: WriteOptions): Promise<Component | null>;
  /** Deletes the version; returns what was deleted, or null when it did not exist. */
  deleteVersion(component: string, version: string, options?: WriteOptions): Promise<Version | null>;
  /** Points the channel at `version`, remembering the version it pointed at before. */
  setChannel(component: string, channel: ChannelName, version: string, at: string, options?: WriteOptions): Promise<Written<ChannelPointer> & { pointer: ChannelPointer }>;
  getChannel(component: string, channel: ChannelName): Promise<ChannelPointer | null>;
  putPin(pin: Pin, options?: WriteOptions): Promise<Written<Pin>>;
  /** Writes many pins, announcing them with one revision bump; one result per pin, in order. */
  putPins(pins: Pin[]): Promise<({ ok: true; written: Written<Pin> } | { ok: false; error: string })[]>;
  /** Deletes the pin; returns what was deleted, or null when it did not exist. */
  deletePin(scope: PinScope, subject: string, component: string, options?: WriteOptions): Promise<Pin | null>;
  putCustomer(customer: Customer, options?: WriteOptions): Promise<Written<Customer>>;
  putProject(project: Project, options?: WriteOptions): Promise<Written<Project>>;
  /** Creates a token; VR_CONFLICT when the name is taken. */
  createToken(token: TokenRecord): Promise<void>;
  /** Deletes the token; returns what was deleted, or null. */
  deleteToken(name: string): Promise<TokenRecord | null>;
  /** Records that `version` served an event through beta or experimental (once; later calls change nothing). */
  markServed(component: string, version: string): Promise<void>;
  /** The deployment's signing keys, created (once, whichever router comes first) when there are none yet. */
  ensureSigningKeys(): Promise<SigningKeys>;
  /** Replaces the current key with a fresh one, keeping the old one as `previous`; VR_PRECONDITION_FAILED on a concurrent rotation. */
  rotateSigningKeys(): Promise<SigningKeys>;
}

/** What a target receives: the CloudEvent plus the router's metadata. */
export interface DispatchMetadata {
  component: string;
  version: string;
  channel: ChannelName | null;
  idempotencyKey: string;
  attempt: number;
  replayId?: string;
  shadow?: boolean;
  /** The signed chain context: an event that carries it back continues this event's chain. */
  context?: string;
}

export type DispatchPayload = CloudEvent & { vrouter: DispatchMetadata };

export interface DispatchRequest {
  target: Target;
  payload: DispatchPayload;
  /** W3C trace context to hand on to the target. */
  traceparent?: string;
  /** Give up on the call after this long; the outcome is then a retryable failure. */
  timeoutMs?: number;
}

export interface DispatchOutcome {
  /** `dispatched`: handed off asynchronously; `succeeded`: the target answered and reported success. */
  status: 'dispatched' | 'succeeded' | 'failed';
  error?: DispatchError;
  response?: string;
  /** Whether trying again could succeed (throttling, 5xx, network). */
  retryable?: boolean;
  /** The target asked to wait this long before trying again (HTTP Retry-After). */
  retryAfterMs?: number;
}

/** What one target accepts, as its dispatcher knows it: callers size and time calls by it, never by the target's kind. */
export interface DispatchLimits {
  /** Largest payload (the CloudEvent with its `vrouter` metadata, as UTF-8 JSON); undefined when the dispatcher knows of none. */
  maxPayloadBytes?: number;
  /** How the target's payload limit reads in an error message, e.g. "an Event Lambda invocation". */
  payloadLimitOf?: string;
  /** How long one call may take before the dispatcher gives up on it (a retryable failure). */
  timeoutMs: number;
}

/** Hands a payload to one kind of target. Never throws for a target's failure: that is an outcome. */
export interface Dispatcher {
  dispatch(request: DispatchRequest): Promise<DispatchOutcome>;
  /** The limits of `target`; never throws (a target this dispatcher cannot handle gets its default timeout and no payload limit). */
  limits(target: Target): DispatchLimits;
}

/** Conditions on a configuration write, from HTTP If-Match / If-None-Match. */
export interface WriteOptions {
  /** Write only if the stored record's etag is this one (else VR_PRECONDITION_FAILED). */
  ifMatch?: string;
  /** Write only if no record exists yet (else VR_PRECONDITION_FAILED). */
  ifNoneMatch?: boolean;
}

/** What a configuration write did: the record's new etag and the record it replaced, if any. */
export interface Written<T> {
  etag: string;
  before: T | null;
}

export const AUDIT_ACTIONS = [
  'component.put',
  'component.delete',
  'version.put',
  'version.delete',
  'channel.set',
  'channel.promote',
  'channel.rollback',
  'pin.set',
  'pin.delete',
  'customer.put',
  'project.put',
  'token.create',
  'token.revoke',
  'shadow.set',
  'shadow.delete',
  'override.create',
  'signing-key.rotate',
  'rollout.start',
  'rollout.advance',
  'rollout.pause',
  'rollout.resume',
  'rollout.promote',
  'rollout.abort',
  'rollout.complete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One change, as the audit log keeps it. Never contains token values. */
export interface AuditEntry {
  id: string;
  at: string;
  /** The token name that made the change. */
  actor: string;
  requestId?: string;
  action: AuditAction;
  component?: string;
  /** What the change is about: `scope/subject` for pins, the customer, project, version or token name. */
  subject?: string;
  before: unknown;
  after: unknown;
  reason?: string;
  forced?: boolean;
  /** Set on every entry of one bulk request. */
  bulkId?: string;
}

export interface AuditQuery {
  component?: string;
  subject?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

/** Append-only log of configuration changes. */
export interface AuditLog {
  append(entries: AuditEntry[]): Promise<void>;
  /** Newest first; `cursor` continues where the previous page stopped. */
  query(query: AuditQuery): Promise<{ entries: AuditEntry[]; cursor?: string }>;
}
