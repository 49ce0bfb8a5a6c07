/**
 * Every attribute, span and instrument name vrouter emits, in one place. Queries (honeycomb/queries/*.json) and
 * dashboards depend on these strings: rename one only together with them.
 *
 * Stable OpenTelemetry names come from @opentelemetry/semantic-conventions. The feature-flag names are still
 * "development" there (only in its incubating entry point, which is not meant to be imported at runtime), so
 * they are copied here, as OpenTelemetry recommends for unstable conventions.
 */
import { ATTR_ERROR_TYPE as OTEL_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/** The instrumentation scope of every span and instrument made here. */
export const INSTRUMENTATION_SCOPE = '@vrouter/telemetry';

// OpenTelemetry feature-flag conventions: routing an event to a version is a flag evaluation whose key is the
// component and whose variant is the version.
export const ATTR_FEATURE_FLAG_KEY = 'feature_flag.key';
export const ATTR_FEATURE_FLAG_RESULT_VARIANT = 'feature_flag.result.variant';
export const ATTR_FEATURE_FLAG_PROVIDER_NAME = 'feature_flag.provider.name';
export const ATTR_FEATURE_FLAG_CONTEXT_ID = 'feature_flag.context.id';
/** The value of feature_flag.provider.name. */
export const FEATURE_FLAG_PROVIDER = 'vrouter';

/** Low-cardinality class of an error: a VR_* code, a target's error type, or an exception's class name. */
export const ATTR_ERROR_TYPE = OTEL_ERROR_TYPE;

// Routing.
export const ATTR_COMPONENT = 'vrouter.component';
export const ATTR_VERSION = 'vrouter.version';
export const ATTR_CHANNEL = 'vrouter.channel';
export const ATTR_PIN_SCOPE = 'vrouter.pin.scope';
export const ATTR_PIN_SUBJECT = 'vrouter.pin.subject';
/** Why the version was chosen: an override, the chain, a project, customer or plan pin, or `default` (stable): core's PinSource. */
export const ATTR_PIN_SOURCE = 'vrouter.pin.source';
export const ATTR_CUSTOMER_ID = 'vrouter.customer.id';
export const ATTR_PROJECT_ID = 'vrouter.project.id';
export const ATTR_PLAN = 'vrouter.plan';
/** The subject of the override token an event (or its chain) carries; never the token. */
export const ATTR_OVERRIDE_SUBJECT = 'vrouter.override.subject';
/** The event that started the chain an event continues, as `<source> <id>`; on every event, a root names itself. */
export const ATTR_CHAIN_ROOT = 'vrouter.chain.root';
/** How many events deep in its chain an event is: 0 for the root. */
export const ATTR_CHAIN_DEPTH = 'vrouter.chain.depth';

// The event.
export const ATTR_EVENT_ID = 'vrouter.event.id';
export const ATTR_EVENT_SOURCE = 'vrouter.event.source';
export const ATTR_EVENT_TYPE = 'vrouter.event.type';
/** accepted, duplicate or rejected: the answer the event got. */
export const ATTR_EVENT_STATUS = 'vrouter.event.status';
/** How many components the event was routed to. */
export const ATTR_EVENT_COMPONENTS = 'vrouter.event.components';
/** True when every delivery of the event had been claimed before: nothing was dispatched. */
export const ATTR_DUPLICATE = 'vrouter.duplicate';

// Dispatch.
export const ATTR_TARGET_KIND = 'vrouter.target.kind';
export const ATTR_DISPATCH_ATTEMPT = 'vrouter.dispatch.attempt';
/** succeeded, dispatched or failed (of the attempt on a dispatch span; of the delivery on the counter). */
export const ATTR_DISPATCH_OUTCOME = 'vrouter.dispatch.outcome';
/** On a failed attempt: whether the runner will (or could) try again. */
export const ATTR_DISPATCH_RETRYABLE = 'vrouter.dispatch.retryable';
export const ATTR_REPLAY_ID = 'vrouter.replay.id';
export const ATTR_SHADOW = 'vrouter.shadow';
/** On a recovery span: the dispatch was taken over from a router whose lease expired. */
export const ATTR_RECOVERED = 'vrouter.recovered';

// Admin changes.
export const ATTR_ADMIN_ACTION = 'vrouter.admin.action';
/** The token name that made the change. */
export const ATTR_ADMIN_ACTOR = 'vrouter.admin.actor';

// Per-event cost (vrouter.cost.*), set on event and recovery spans when they end.
export const ATTR_COST_DYNAMODB_REQUESTS = 'vrouter.cost.dynamodb.requests';
/** Sum of ConsumedCapacity.CapacityUnits over the event's DynamoDB requests, when DynamoDB reported it. */
export const ATTR_COST_DYNAMODB_CAPACITY = 'vrouter.cost.dynamodb.capacity';
export const ATTR_COST_DISPATCH_ATTEMPTS = 'vrouter.cost.dispatch.attempts';
/** True when the event went over one of the configured cost limits (a warning was logged). */
export const ATTR_COST_OVER_LIMIT = 'vrouter.cost.over_limit';
/** On the vrouter.cost.context_lost counter: the DynamoDB command made outside any cost context. */
export const ATTR_COST_COMMAND = 'vrouter.cost.command';

// Span names: few and fixed, so queries filter on them (`name = vrouter.dispatch`).
export const SPAN_EVENT = 'vrouter.event';
export const SPAN_DISPATCH = 'vrouter.dispatch';
export const SPAN_RECOVERY = 'vrouter.recovery';
/** One event replayed by a replay job: the parent of that replay's dispatch spans. */
export const SPAN_REPLAY = 'vrouter.replay';
export const SPAN_ADMIN = 'vrouter.admin';

// Instruments.
/** Counter of finished deliveries, by component, version, channel and outcome. */
export const METRIC_DISPATCHES = 'vrouter.dispatches';
/** Histogram of each dispatch attempt's duration in milliseconds, by component and version. */
export const METRIC_DISPATCH_DURATION = 'vrouter.dispatch.duration';
/** Counter of recovered dispatches whose previous attempt had reached the target with no recorded outcome. */
export const METRIC_REDELIVERIES = 'vrouter.dispatch.redeliveries';
/** Counter of DynamoDB requests made outside any cost context, by command. */
export const METRIC_COST_CONTEXT_LOST = 'vrouter.cost.context_lost';

/** Values of vrouter.dispatch.outcome. */
export const DispatchOutcome = { succeeded: 'succeeded', dispatched: 'dispatched', failed: 'failed' } as const;
export type DispatchOutcome = (typeof DispatchOutcome)[keyof typeof DispatchOutcome];
