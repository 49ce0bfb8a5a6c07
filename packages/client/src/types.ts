/** Types of this package's own, beside the API's (which index.ts exports from @vrouter/api, type-only). */
import type { ChannelInput, DispatchOutcomeSummary, ResolveAnswer, RollbackInput } from '@vrouter/api';

/** A dispatch's outcome as event lists show it. */
export type EventOutcome = DispatchOutcomeSummary;

/** Every write accepts a `reason`, kept in the audit log. */
export type Reason = RollbackInput;

/** Channel moves and pins may override a safety check with `force`, which needs a `reason`. */
export type Override = Pick<ChannelInput, 'force' | 'reason'>;

type WithoutAnswerContext<T> = T extends unknown ? Omit<T, 'context' | 'configRevision'> : never;
/** The routing decision itself, without the context and configuration revision the answer adds. */
export type Resolution = WithoutAnswerContext<ResolveAnswer>;

/** What an operator may do to a rollout by hand. */
export type RolloutManualAction = 'pause' | 'resume' | 'promote' | 'abort';

/** Options of `postEvents`, not part of the body. */
export interface EventPostOptions {
  /** Answer after the dispatches settle (`?wait=true`). */
  wait?: boolean;
}
