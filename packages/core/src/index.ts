export { CHAIN_MODES, CHANNELS, SCOPES, TARGET_KINDS, LAMBDA_INVOCATION_TYPES, TOKEN_SCOPES } from './model.js';
export type {
  ChainMode,
  ChannelName,
  PinScope,
  TargetKind,
  LambdaInvocationType,
  LambdaTarget,
  EcsTarget,
  HttpTarget,
  Target,
  Component,
  Version,
  ChannelPointer,
  PinTarget,
  Pin,
  Customer,
  Project,
  ShadowConfig,
  Tagged,
  TokenRecord,
  TokenScope,
} from './model.js';
export { buildSnapshot, pinKey, EMPTY_SNAPSHOT, servedKey, SnapshotBuilder } from './snapshot.js';
export { applyChanges } from './snapshot-apply.js';
export type { ConfigChange, ConfigChanges, ConfigRecord, ConfigRef } from './config-change.js';
export type { RoutingSnapshot, ComponentRouting, SnapshotParts } from './snapshot.js';
export { CONSIDERATION_OUTCOMES, isPinLive, PIN_SOURCES, resolveVersion, routingContext } from './resolve.js';
export type { RoutingContext, Resolution, ResolveOptions, Consideration, ConsiderationOutcome, PinSource } from './resolve.js';
export { subscriptionMatches, subscribedComponents } from './subscriptions.js';
export { MAX_DATA_DEPTH, parseCloudEvent, eventRouting } from './cloudevent.js';
export type { CloudEvent, EventRouting } from './cloudevent.js';
export { ERROR_CATALOGUE, ERROR_CODES, STATUS_BY_CODE, VrouterError, ValidationError, NotFoundError, isVrouterError } from './errors.js';
export type { ErrorCode, ErrorDefinition, ErrorSurface } from './errors.js';
export {
  COMPONENT_NAME,
  VERSION_NAME,
  SUBJECT_NAME,
  SUBSCRIPTION_PATTERN,
  TOKEN_NAME,
  assertComponentName,
  assertVersionName,
  assertSubject,
  assertSubscription,
  assertChannel,
  assertScope,
  assertTimestamp,
} from './names.js';
export { idempotencyKey } from './idempotency.js';
export { parseTarget } from './target.js';
export { AddressPolicy, FORBIDDEN_RANGES, describeRefusal, parseIpAddress } from './address-policy.js';
export type { AddressRefusal, IpBytes } from './address-policy.js';
export { backoffDelay, DEFAULT_RETRY_POLICY } from './retry.js';
export { buildClaim, LEASE_MARGIN_MS, leaseDuration } from './claim.js';
export type { ClaimPurpose, ClaimRoute, ClaimSpec } from './claim.js';
export { REPLAY_OUTCOME_WAITS_FOR, replayOutcomeApplies, replayOutcomeUpdate, withReplayOutcome } from './replay-outcome.js';
export type { ReplayOutcomeUpdate } from './replay-outcome.js';
export { assertReplayRules, MAX_REPLAY_WINDOW_MS } from './replay-rules.js';
export { assertComponentUnused, assertStableProven, assertVersionUnused, channelTarget, versionUsage } from './safety.js';
export { pinExpiry, pinFor } from './pin-rules.js';
export type { PinPolicy, PinRequest } from './pin-rules.js';
export { isRecord } from './guards.js';
export type { RetryPolicy } from './retry.js';
export { SnapshotCache } from './snapshot-cache.js';
export type { SnapshotCacheOptions } from './snapshot-cache.js';
export { DEFAULT_FULL_RELOAD_INTERVAL_MS } from './snapshot-cache.js';
export type {
  DispatchStatus,
  DispatchKey,
  DispatchError,
  DispatchRecord,
  DispatchHistoryEntry,
  DispatchQuery,
  DispatchPage,
  EventRecord,
  ClaimResult,
  ClaimRenewal,
  ExpiredClaim,
  DispatchCompletion,
  EventStore,
  RoutingConfigStore,
  DispatchMetadata,
  DispatchPayload,
  DispatchRequest,
  DispatchOutcome,
  Dispatcher,
  DispatchLimits,
  WriteOptions,
  Written,
  AuditAction,
  AuditEntry,
  AuditQuery,
  AuditLog,
} from './ports.js';
export { AUDIT_ACTIONS, DISPATCH_STATUSES } from './ports.js';
export { REPLAY_STATES, replayStatus } from './replay.js';
export { applyReplayOutcome, dispatchHistory, MAX_DISPATCH_HISTORY, originalRoute } from './dispatch-history.js';
export type { ReplayedFields } from './dispatch-history.js';
export type { ReplayFilter, ReplayRequest, ReplayState, ReplayCounts, ReplayJob, ReplayProgress, ReplayStore } from './replay.js';
export { inShadowSample } from './shadow.js';
export { Periodic } from './periodic.js';
export {
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKETS,
  HEALTH_WINDOWS,
  DEFAULT_HEALTH_WINDOW,
  emptyCounts,
  latencyBucket,
  addCounts,
  countOutcome,
  latencyQuantile,
  errorRate,
  minuteOf,
  windowStart,
  summarize as summarizeHealth,
  healthSeries,
  seriesStepMinutes,
  sumMinutes as sumHealthMinutes,
  HEALTH_SERIES_POINTS,
} from './health.js';
export type { HealthCounts, HealthWindow, VersionHealth, HealthIncrement, HealthStore, HealthPoint } from './health.js';
export { normalQuantile, differenceInterval, successesForConfidence } from './stats.js';
export {
  ROLLOUT_STATES,
  ROLLOUT_ACTIONS,
  ROLLOUT_EFFECTS,
  ROLLOUT_BUCKETS,
  rolloutBucket,
  inRolloutShare,
  rolloutPercent,
  routesTraffic,
  isFinished,
  requiredSuccesses,
  figures as rolloutFigures,
  sinceStart,
  evaluateGate,
  nextTransition,
  applyTransition,
} from './rollout.js';
export type {
  RolloutState,
  RolloutAction,
  RolloutEffect,
  RolloutStep,
  PromoteAfter,
  RolloutGate,
  RolloutFigures,
  RolloutDecision,
  Rollout,
  GateVerdict,
  Transition,
  TransitionInput,
  RolloutStore,
} from './rollout.js';
export type { Backoff } from './periodic.js';
export { newSigningKey, rotateSigningKeys, verificationKeys, SIGNING_PURPOSES } from './signing.js';
export type { SigningKey, SigningKeys, SigningPurpose } from './signing.js';
export { encodeOverride, decodeOverride, MAX_OVERRIDE_TOKEN_LENGTH, MAX_OVERRIDE_COMPONENTS } from './override-token.js';
export type { OverrideClaims } from './override-token.js';
export { encodeContext, decodeContext, nextContext, MAX_CONTEXT_LENGTH, MAX_CHAIN_DEPTH } from './chain-context.js';
export type { ChainContext } from './chain-context.js';
export { assertOverrideRoutable, decideVersion } from './decide.js';
export type { Directives } from './decide.js';
export { InFlight } from './in-flight.js';
