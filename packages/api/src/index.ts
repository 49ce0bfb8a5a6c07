// biome-ignore-all lint/suspicious/noRedeclare: each schema and its type share a name (TypeBox convention), so `Component` is both the schema and the record.
import type { Static, TSchema } from '@sinclair/typebox';
import { AuditAction, AuditEntry, AuditList, AuditQuery, CreatedToken, Health, Readiness, TokenInfo, TokenInput, TokenList } from './admin.js';
import {
  ChannelInput,
  ChannelMap,
  ChannelPointer,
  Component,
  ComponentDetails,
  ComponentInput,
  ComponentList,
  EcsTarget,
  HttpTarget,
  LambdaTarget,
  PromoteInput,
  RollbackInput,
  ShadowConfig,
  ShadowInput,
  Target,
  Version,
  VersionInput,
} from './components.js';
import {
  CloudEvent,
  CloudEventBatch,
  DispatchDetails,
  DispatchError,
  DispatchOutcome,
  DispatchOutcomeSummary,
  DispatchPayload,
  DispatchSummary,
  EventDetails,
  EventList,
  EventListQuery,
  EventPostAnswer,
  EventResult,
  EventRow,
  ReplayDispatchDetails,
  ShadowDispatchDetails,
} from './events.js';
import {
  BulkPinsInput,
  BulkPinsResult,
  Consideration,
  CustomerInput,
  CustomerRecord,
  Pin,
  PinFilter,
  PinInput,
  PinList,
  PinOperation,
  ProjectInput,
  ProjectRecord,
  ProjectList,
  CustomerList,
  ResolveAnswer,
  ResolveQuery,
  RoutingContext,
} from './pins.js';
import { OverrideCreated, OverrideInput, SigningKeyRotated, SigningKeyRotateInput } from './overrides.js';
import { Problem } from './problem.js';
import {
  ComponentHealth,
  HealthQuery,
  HealthWindow,
  PromoteAfter,
  Rollout,
  RolloutAction,
  RolloutActionInput,
  RolloutDecision,
  RolloutFigures,
  RolloutGate,
  RolloutInput,
  RolloutState,
  RolloutStep,
  HealthPoint,
  VersionHealth,
} from './rollouts.js';
import { Replay, ReplayCounts, ReplayCreated, ReplayFilterInput, ReplayInput, ReplayList, ReplaySampleItem, ReplayState, ReplayTarget } from './replays.js';
import { ShadowComparison, ShadowOutcome } from './shadow.js';

import { ChannelName, DispatchStatus, PinScope, PinSource, TokenScope } from './common.js';

export { ETAG_HEADER, Preconditions, ReasonQuery } from './common.js';
export { EventParams, EventPostQuery, PayloadParams } from './events.js';
export { HTTP_ERROR_CODES } from './problem.js';
export { ReplayParams } from './replays.js';
export { ShadowQuery } from './shadow.js';
export { TokenParams } from './admin.js';
export {
  ChannelName,
  DispatchStatus,
  PinScope,
  PinSource,
  TokenScope,
  AuditAction,
  AuditEntry,
  AuditList,
  AuditQuery,
  BulkPinsInput,
  BulkPinsResult,
  ChannelInput,
  ChannelMap,
  ChannelPointer,
  CloudEvent,
  CloudEventBatch,
  Component,
  ComponentDetails,
  ComponentInput,
  ComponentList,
  Consideration,
  CreatedToken,
  CustomerInput,
  CustomerRecord,
  DispatchDetails,
  DispatchError,
  DispatchOutcome,
  DispatchOutcomeSummary,
  DispatchPayload,
  DispatchSummary,
  EcsTarget,
  EventDetails,
  EventList,
  EventListQuery,
  EventPostAnswer,
  EventResult,
  EventRow,
  Health,
  HttpTarget,
  LambdaTarget,
  OverrideCreated,
  OverrideInput,
  Pin,
  PinFilter,
  PinInput,
  PinList,
  PinOperation,
  Problem,
  ProjectInput,
  ProjectRecord,
  ProjectList,
  CustomerList,
  PromoteInput,
  Readiness,
  Replay,
  ReplayCounts,
  ReplayCreated,
  ReplayDispatchDetails,
  ReplayFilterInput,
  ReplayInput,
  ReplayList,
  ReplaySampleItem,
  ReplayState,
  ReplayTarget,
  ResolveAnswer,
  ResolveQuery,
  RollbackInput,
  ComponentHealth,
  HealthQuery,
  HealthWindow,
  PromoteAfter,
  Rollout,
  RolloutAction,
  RolloutActionInput,
  RolloutDecision,
  RolloutFigures,
  RolloutGate,
  RolloutInput,
  RolloutState,
  RolloutStep,
  HealthPoint,
  VersionHealth,
  RoutingContext,
  ShadowComparison,
  ShadowConfig,
  ShadowDispatchDetails,
  ShadowInput,
  ShadowOutcome,
  SigningKeyRotated,
  SigningKeyRotateInput,
  Target,
  TokenInfo,
  TokenInput,
  TokenList,
  Version,
  VersionInput,
};

/**
 * Every named schema (each has an `$id`; others refer to it as `{ $ref: '<id>' }`). A host adds them all to its
 * validator (fastify: `app.addSchema`) before compiling routes; the OpenAPI document lists them as components.
 */
export const SCHEMAS: readonly TSchema[] = [
  Problem,
  LambdaTarget,
  EcsTarget,
  HttpTarget,
  Target,
  ShadowConfig,
  Component,
  Version,
  ChannelMap,
  ComponentDetails,
  ComponentList,
  ChannelPointer,
  ComponentInput,
  VersionInput,
  ChannelInput,
  PromoteInput,
  RollbackInput,
  ShadowInput,
  Pin,
  PinList,
  PinFilter,
  PinInput,
  PinOperation,
  BulkPinsInput,
  BulkPinsResult,
  CustomerRecord,
  CustomerInput,
  ProjectRecord,
  ProjectList,
  CustomerList,
  ProjectInput,
  ResolveQuery,
  RoutingContext,
  Consideration,
  ResolveAnswer,
  CloudEvent,
  CloudEventBatch,
  DispatchError,
  DispatchSummary,
  EventResult,
  EventPostAnswer,
  DispatchOutcome,
  DispatchOutcomeSummary,
  DispatchDetails,
  ReplayDispatchDetails,
  ShadowDispatchDetails,
  EventDetails,
  EventListQuery,
  EventRow,
  EventList,
  DispatchPayload,
  ReplayState,
  ReplayFilterInput,
  ReplayTarget,
  ReplayInput,
  ReplaySampleItem,
  ReplayCreated,
  ReplayCounts,
  Replay,
  ReplayList,
  OverrideInput,
  OverrideCreated,
  SigningKeyRotateInput,
  SigningKeyRotated,
  ShadowOutcome,
  ShadowComparison,
  HealthPoint,
  VersionHealth,
  HealthQuery,
  ComponentHealth,
  RolloutStep,
  PromoteAfter,
  RolloutGate,
  RolloutInput,
  RolloutActionInput,
  RolloutFigures,
  RolloutDecision,
  Rollout,
  TokenInput,
  CreatedToken,
  TokenInfo,
  TokenList,
  AuditAction,
  AuditEntry,
  AuditList,
  AuditQuery,
  Health,
  Readiness,
];

export type ChannelName = Static<typeof ChannelName>;
export type DispatchStatus = Static<typeof DispatchStatus>;
export type PinScope = Static<typeof PinScope>;
export type PinSource = Static<typeof PinSource>;
export type TokenScope = Static<typeof TokenScope>;
export type AuditAction = Static<typeof AuditAction>;
export type AuditEntry = Static<typeof AuditEntry>;
export type AuditList = Static<typeof AuditList>;
export type AuditQuery = Static<typeof AuditQuery>;
export type BulkPinsInput = Static<typeof BulkPinsInput>;
export type BulkPinsResult = Static<typeof BulkPinsResult>;
export type ChannelInput = Static<typeof ChannelInput>;
export type ChannelMap = Static<typeof ChannelMap>;
export type ChannelPointer = Static<typeof ChannelPointer>;
export type CloudEvent = Static<typeof CloudEvent>;
export type CloudEventBatch = Static<typeof CloudEventBatch>;
export type Component = Static<typeof Component>;
export type ComponentDetails = Static<typeof ComponentDetails>;
export type ComponentInput = Static<typeof ComponentInput>;
export type ComponentList = Static<typeof ComponentList>;
export type Consideration = Static<typeof Consideration>;
export type CreatedToken = Static<typeof CreatedToken>;
export type CustomerInput = Static<typeof CustomerInput>;
export type CustomerRecord = Static<typeof CustomerRecord>;
export type DispatchDetails = Static<typeof DispatchDetails>;
export type DispatchOutcome = Static<typeof DispatchOutcome>;
export type DispatchOutcomeSummary = Static<typeof DispatchOutcomeSummary>;
export type DispatchError = Static<typeof DispatchError>;
export type DispatchPayload = Static<typeof DispatchPayload>;
export type DispatchSummary = Static<typeof DispatchSummary>;
export type EcsTarget = Static<typeof EcsTarget>;
export type EventDetails = Static<typeof EventDetails>;
export type EventList = Static<typeof EventList>;
export type EventListQuery = Static<typeof EventListQuery>;
export type EventPostAnswer = Static<typeof EventPostAnswer>;
export type EventResult = Static<typeof EventResult>;
export type EventRow = Static<typeof EventRow>;
export type Health = Static<typeof Health>;
export type HttpTarget = Static<typeof HttpTarget>;
export type LambdaTarget = Static<typeof LambdaTarget>;
export type OverrideCreated = Static<typeof OverrideCreated>;
export type OverrideInput = Static<typeof OverrideInput>;
export type SigningKeyRotated = Static<typeof SigningKeyRotated>;
export type SigningKeyRotateInput = Static<typeof SigningKeyRotateInput>;
export type Pin = Static<typeof Pin>;
export type PinFilter = Static<typeof PinFilter>;
export type PinInput = Static<typeof PinInput>;
export type PinList = Static<typeof PinList>;
export type PinOperation = Static<typeof PinOperation>;
export type Problem = Static<typeof Problem>;
export type ProjectInput = Static<typeof ProjectInput>;
export type ProjectRecord = Static<typeof ProjectRecord>;
export type ProjectList = Static<typeof ProjectList>;
export type CustomerList = Static<typeof CustomerList>;
export type PromoteInput = Static<typeof PromoteInput>;
export type Readiness = Static<typeof Readiness>;
export type Replay = Static<typeof Replay>;
export type ReplayCounts = Static<typeof ReplayCounts>;
export type ReplayCreated = Static<typeof ReplayCreated>;
export type ReplayDispatchDetails = Static<typeof ReplayDispatchDetails>;
export type ReplayFilterInput = Static<typeof ReplayFilterInput>;
export type ReplayInput = Static<typeof ReplayInput>;
export type ReplayList = Static<typeof ReplayList>;
export type ReplaySampleItem = Static<typeof ReplaySampleItem>;
export type ReplayState = Static<typeof ReplayState>;
export type ReplayTarget = Static<typeof ReplayTarget>;
export type ResolveAnswer = Static<typeof ResolveAnswer>;
export type ResolveQuery = Static<typeof ResolveQuery>;
export type RollbackInput = Static<typeof RollbackInput>;
export type ComponentHealth = Static<typeof ComponentHealth>;
export type HealthQuery = Static<typeof HealthQuery>;
export type HealthWindow = Static<typeof HealthWindow>;
export type PromoteAfter = Static<typeof PromoteAfter>;
export type Rollout = Static<typeof Rollout>;
export type RolloutAction = Static<typeof RolloutAction>;
export type RolloutActionInput = Static<typeof RolloutActionInput>;
export type RolloutDecision = Static<typeof RolloutDecision>;
export type RolloutFigures = Static<typeof RolloutFigures>;
export type RolloutGate = Static<typeof RolloutGate>;
export type RolloutInput = Static<typeof RolloutInput>;
export type RolloutState = Static<typeof RolloutState>;
export type RolloutStep = Static<typeof RolloutStep>;
export type HealthPoint = Static<typeof HealthPoint>;
export type VersionHealth = Static<typeof VersionHealth>;
export type RoutingContext = Static<typeof RoutingContext>;
export type ShadowComparison = Static<typeof ShadowComparison>;
export type ShadowConfig = Static<typeof ShadowConfig>;
export type ShadowDispatchDetails = Static<typeof ShadowDispatchDetails>;
export type ShadowInput = Static<typeof ShadowInput>;
export type ShadowOutcome = Static<typeof ShadowOutcome>;
export type Target = Static<typeof Target>;
export type TokenInfo = Static<typeof TokenInfo>;
export type TokenInput = Static<typeof TokenInput>;
export type TokenList = Static<typeof TokenList>;
export type Version = Static<typeof Version>;
export type VersionInput = Static<typeof VersionInput>;
