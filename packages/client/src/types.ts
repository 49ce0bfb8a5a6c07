/**
 * The API's types, derived from the schemas in @vrouter/api (type-only: nothing of it is loaded at run time), under
 * the names this package has always exported.
 */
import type {
  AuditEntry,
  AuditList,
  AuditQuery,
  ChannelInput,
  ChannelMap,
  ChannelName,
  ChannelPointer,
  Component,
  ComponentDetails,
  ComponentInput,
  ComponentList,
  CreatedToken,
  CustomerRecord,
  DispatchDetails,
  DispatchStatus,
  DispatchSummary,
  EventDetails,
  EventList,
  EventListQuery,
  EventPostAnswer,
  EventResult,
  EventRow,
  Pin,
  PinFilter,
  PinInput,
  PinList,
  PinScope,
  ProjectRecord,
  ProjectList,
  CustomerList,
  Replay,
  ReplayCounts,
  ReplayCreated,
  ReplayFilterInput,
  ReplayInput,
  ReplayList,
  ReplaySampleItem,
  ReplayState,
  ReplayTarget,
  ResolveAnswer,
  ResolveQuery,
  RollbackInput,
  ShadowComparison,
  ShadowInput,
  ShadowOutcome,
  Target,
  TokenInfo,
  TokenInput,
  TokenList,
  Version,
} from '@vrouter/api';

export type {
  AuditEntry,
  AuditList,
  AuditQuery,
  ChannelMap,
  ChannelName,
  ChannelPointer,
  Component,
  ComponentDetails,
  ComponentInput,
  ComponentList,
  CreatedToken,
  CustomerRecord,
  DispatchDetails,
  DispatchStatus,
  DispatchSummary,
  EventDetails,
  EventList,
  EventListQuery,
  EventPostAnswer,
  EventResult,
  EventRow,
  Pin,
  PinFilter,
  PinInput,
  PinList,
  PinScope,
  ProjectRecord,
  ProjectList,
  CustomerList,
  Replay,
  ReplayCounts,
  ReplayCreated,
  ReplayFilterInput,
  ReplayInput,
  ReplayList,
  ReplaySampleItem,
  ReplayState,
  ReplayTarget,
  ResolveAnswer,
  ResolveQuery,
  ShadowComparison,
  ShadowInput,
  ShadowOutcome,
  Target,
  TokenInfo,
  TokenInput,
  TokenList,
  Version,
};

/** Every write accepts a `reason`, kept in the audit log. */
export type Reason = RollbackInput;

/** Channel moves and pins may override a safety check with `force`, which needs a `reason`. */
export type Override = Pick<ChannelInput, 'force' | 'reason'>;

type WithoutAnswerContext<T> = T extends unknown ? Omit<T, 'context' | 'configRevision'> : never;
/** The routing decision itself, without the context and configuration revision the answer adds. */
export type Resolution = WithoutAnswerContext<ResolveAnswer>;

/** Options of `postEvents`, not part of the body. */
export interface EventPostOptions {
  /** Answer after the dispatches settle (`?wait=true`). */
  wait?: boolean;
}
