export {
  ATTR_ADMIN_ACTION,
  ATTR_ADMIN_ACTOR,
  ATTR_CHANNEL,
  ATTR_COMPONENT,
  ATTR_COST_COMMAND,
  ATTR_COST_DISPATCH_ATTEMPTS,
  ATTR_COST_DYNAMODB_CAPACITY,
  ATTR_COST_DYNAMODB_REQUESTS,
  ATTR_COST_OVER_LIMIT,
  ATTR_CUSTOMER_ID,
  ATTR_DISPATCH_ATTEMPT,
  ATTR_DISPATCH_OUTCOME,
  ATTR_DISPATCH_RETRYABLE,
  ATTR_DUPLICATE,
  ATTR_ERROR_TYPE,
  ATTR_EVENT_COMPONENTS,
  ATTR_EVENT_ID,
  ATTR_EVENT_SOURCE,
  ATTR_EVENT_STATUS,
  ATTR_EVENT_TYPE,
  ATTR_FEATURE_FLAG_CONTEXT_ID,
  ATTR_FEATURE_FLAG_KEY,
  ATTR_FEATURE_FLAG_PROVIDER_NAME,
  ATTR_FEATURE_FLAG_RESULT_VARIANT,
  ATTR_PIN_SCOPE,
  ATTR_PIN_SOURCE,
  ATTR_PIN_SUBJECT,
  ATTR_PLAN,
  ATTR_OVERRIDE_SUBJECT,
  ATTR_CHAIN_ROOT,
  ATTR_CHAIN_DEPTH,
  ATTR_PROJECT_ID,
  ATTR_RECOVERED,
  ATTR_REPLAY_ID,
  ATTR_SHADOW,
  ATTR_TARGET_KIND,
  ATTR_VERSION,
  DispatchOutcome,
  FEATURE_FLAG_PROVIDER,
  INSTRUMENTATION_SCOPE,
  METRIC_COST_CONTEXT_LOST,
  METRIC_DISPATCH_DURATION,
  METRIC_REDELIVERIES,
  METRIC_DISPATCHES,
  SPAN_ADMIN,
  SPAN_DISPATCH,
  SPAN_EVENT,
  SPAN_RECOVERY,
  SPAN_REPLAY,
} from './semconv.js';
export { contextFromTraceparent, formatTraceparent, parseTraceparent, traceparentOf } from './traceparent.js';
export { definedAttributes, errorType, eventParent, recordFailure, tracer, withAdminSpan, withDispatchSpan } from './spans.js';
export type { AttemptResult, DispatchSpanInput, EventParent, SpanAttributeInput } from './spans.js';
export { EventTrace } from './event.js';
export type { CostLogger, EventLike, EventTraceOptions } from './event.js';
export {
  capacityUnits,
  COST_MIDDLEWARE_OPTIONS,
  CostContext,
  contextLostCount,
  costAttributes,
  costMiddleware,
  countDispatchAttempt,
  countDynamoCapacity,
  countDynamoRequest,
  currentCost,
  DEFAULT_COST_LIMITS,
  exceededLimits,
  onContextLost,
  resetContextLost,
  runWithCost,
} from './cost.js';
export type { CostKind, CostLimits, CostMiddleware, CostMiddlewareOptions } from './cost.js';
export { recordDispatch, recordDispatchDuration, recordRedelivery } from './metrics.js';
export type { DispatchMetricAttributes } from './metrics.js';
export { traceLogFields } from './logs.js';
export type { TraceLogFields } from './logs.js';
export { guard } from './guard.js';
export { inBackground, suppressTracing } from './suppress.js';
