import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  isSpanContextValid,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { CostContext, costAttributes, countDispatchAttempt, runWithCost } from './cost.js';
import { guard } from './guard.js';
import { recordDispatchDuration } from './metrics.js';
import {
  ATTR_ADMIN_ACTION,
  ATTR_CHANNEL,
  ATTR_COMPONENT,
  ATTR_CUSTOMER_ID,
  ATTR_DISPATCH_ATTEMPT,
  ATTR_DISPATCH_OUTCOME,
  ATTR_DISPATCH_RETRYABLE,
  ATTR_ERROR_TYPE,
  ATTR_EVENT_ID,
  ATTR_EVENT_SOURCE,
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
  ATTR_REPLAY_ID,
  ATTR_SHADOW,
  ATTR_TARGET_KIND,
  ATTR_VERSION,
  FEATURE_FLAG_PROVIDER,
  INSTRUMENTATION_SCOPE,
  SPAN_ADMIN,
  SPAN_DISPATCH,
} from './semconv.js';
import { contextFromTraceparent, parseTraceparent, traceparentOf } from './traceparent.js';

/** The tracer of the provider registered now (looked up each time, so a provider registered later is used). */
export function tracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}

/** Attributes without the undefined (and null) values, which OpenTelemetry would drop with a warning. */
export function definedAttributes(attributes: Record<string, AttributeValue | null | undefined>): Attributes {
  const defined: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined && value !== null) defined[key] = value;
  return defined;
}

/** The class of an error for error.type: a `code` property (VR_*, errno), else its name. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return '_OTHER';
}

/** Marks `span` failed by `error`: exception event, status ERROR, error.type. Never throws. */
export function recordFailure(span: Span, error: unknown): void {
  guard(
    'recording a failure on a span',
    () => {
      if (error instanceof Error) span.recordException(error);
      span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    },
    undefined,
  );
}

/** Where an event's span hangs in its trace. */
export interface EventParent {
  context: Context;
  links: Link[];
}

/**
 * The parent of an event's span. The event's own `traceparent` (CloudEvents distributed-tracing extension) wins: it
 * is the context the producer created the event in; the request that carried it is then linked. Without one, the
 * active span (the HTTP server span, itself a child of the request's traceparent header); without an active span
 * (no SDK registered), the request's `traceparent` header.
 */
export function eventParent(eventTraceparent: unknown, headerTraceparent?: string): EventParent {
  const active = context.active();
  const activeSpan = trace.getSpanContext(active);
  const hasActive = activeSpan !== undefined && isSpanContextValid(activeSpan);
  const fromEvent = parseTraceparent(eventTraceparent);
  if (fromEvent) return { context: trace.setSpanContext(active, fromEvent), links: hasActive ? [{ context: activeSpan }] : [] };
  if (hasActive) return { context: active, links: [] };
  return { context: contextFromTraceparent(headerTraceparent, active), links: [] };
}

/** What a dispatch span says about the delivery and the attempt. */
export interface DispatchSpanInput {
  component: string;
  version: string;
  channel: string | null;
  pin: { scope: string; subject: string } | null;
  /** project, customer, plan or default (core's PinSource); null when unknown. */
  pinSource: string | null;
  customer?: string;
  project?: string;
  plan?: string;
  event: { id: string; source: string; type: string };
  targetKind: string;
  attempt: number;
  replayId?: string;
  shadow?: boolean;
  overrideSubject?: string;
  chain?: { root: { source: string; id: string }; depth: number };
}

/** What withDispatchSpan needs to know of an attempt's outcome. */
export interface AttemptResult {
  status: string;
  error?: { code: string };
  retryable?: boolean;
}

function dispatchAttributes(input: DispatchSpanInput): Attributes {
  return definedAttributes({
    [ATTR_FEATURE_FLAG_KEY]: input.component,
    [ATTR_FEATURE_FLAG_RESULT_VARIANT]: input.version,
    [ATTR_FEATURE_FLAG_PROVIDER_NAME]: FEATURE_FLAG_PROVIDER,
    [ATTR_FEATURE_FLAG_CONTEXT_ID]: input.customer,
    [ATTR_COMPONENT]: input.component,
    [ATTR_VERSION]: input.version,
    [ATTR_CHANNEL]: input.channel,
    [ATTR_PIN_SCOPE]: input.pin?.scope,
    [ATTR_PIN_SUBJECT]: input.pin?.subject,
    [ATTR_PIN_SOURCE]: input.pinSource,
    [ATTR_CUSTOMER_ID]: input.customer,
    [ATTR_PROJECT_ID]: input.project,
    [ATTR_PLAN]: input.plan,
    [ATTR_EVENT_ID]: input.event.id,
    [ATTR_EVENT_SOURCE]: input.event.source,
    [ATTR_EVENT_TYPE]: input.event.type,
    [ATTR_TARGET_KIND]: input.targetKind,
    [ATTR_DISPATCH_ATTEMPT]: input.attempt,
    [ATTR_REPLAY_ID]: input.replayId,
    [ATTR_SHADOW]: input.shadow,
    [ATTR_OVERRIDE_SUBJECT]: input.overrideSubject,
    [ATTR_CHAIN_ROOT]: input.chain ? `${input.chain.root.source} ${input.chain.root.id}` : undefined,
    [ATTR_CHAIN_DEPTH]: input.chain?.depth,
  });
}

/**
 * Runs one dispatch attempt in a `vrouter.dispatch` span, a child of `parent` (default: the active context), and
 * hands `attempt` the span's `traceparent` for the target, so the target's work joins the router's trace. With no
 * SDK registered the span records nothing and the traceparent handed on is the parent's, unchanged.
 * Counts the attempt on the current cost context and records vrouter.dispatch.duration. A `failed` result sets status
 * ERROR and error.type to the error's code; if `attempt` throws, the span records it and the error is rethrown.
 * Telemetry failures never reach the caller.
 */
export async function withDispatchSpan<R extends AttemptResult>(
  input: DispatchSpanInput,
  attempt: (traceparent: string | undefined) => Promise<R>,
  parent: Context = context.active(),
): Promise<R> {
  const span = guard('starting a dispatch span', () => tracer().startSpan(SPAN_DISPATCH, { kind: SpanKind.INTERNAL, attributes: dispatchAttributes(input) }, parent), undefined);
  const spanContext = span ? guard('activating a dispatch span', () => trace.setSpan(parent, span), parent) : parent;
  const traceparent = guard('formatting a traceparent', () => traceparentOf(spanContext), undefined);
  countDispatchAttempt();
  const started = performance.now();
  let result: R;
  try {
    result = await context.with(spanContext, () => attempt(traceparent));
  } catch (error) {
    if (span) {
      recordFailure(span, error);
      guard('ending a dispatch span', () => span.end(), undefined);
    }
    throw error;
  }
  recordDispatchDuration(input, performance.now() - started);
  if (span) {
    guard(
      'ending a dispatch span',
      () => {
        span.setAttribute(ATTR_DISPATCH_OUTCOME, result.status);
        if (result.status === 'failed') {
          span.setAttribute(ATTR_ERROR_TYPE, result.error?.code ?? '_OTHER');
          if (result.retryable !== undefined) span.setAttribute(ATTR_DISPATCH_RETRYABLE, result.retryable);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      },
      undefined,
    );
  }
  return result;
}

/** Attribute values an admin span accepts; undefined ones are left out. */
export type SpanAttributeInput = Record<string, AttributeValue | null | undefined>;

/**
 * Runs an admin change (`action`, e.g. 'pin.put') in a `vrouter.admin` span with `vrouter.admin.action` and the given
 * attributes (use the ATTR_* names, e.g. ATTR_COMPONENT, ATTR_PIN_SCOPE), and in a cost context of its own, whose
 * DynamoDB requests end up as vrouter.cost.* on the span. Resolves to what `fn` resolves to; if `fn` throws, the span
 * gets status ERROR and error.type (the error's `code`, e.g. VR_PIN_VERSION_UNKNOWN, else its name) and the same
 * error is rethrown. Telemetry failures never reach the caller.
 */
export async function withAdminSpan<T>(action: string, attributes: SpanAttributeInput, fn: () => T | Promise<T>): Promise<T> {
  const parent = context.active();
  const span = guard(
    'starting an admin span',
    () => tracer().startSpan(SPAN_ADMIN, { kind: SpanKind.INTERNAL, attributes: definedAttributes({ ...attributes, [ATTR_ADMIN_ACTION]: action }) }, parent),
    undefined,
  );
  const active = span ? guard('activating an admin span', () => trace.setSpan(parent, span), parent) : parent;
  const cost = new CostContext('admin', action);
  const finish = () => {
    if (span) guard('ending an admin span', () => span.setAttributes(costAttributes(cost)).end(), undefined);
  };
  try {
    const result = await runWithCost(cost, () => context.with(active, fn));
    finish();
    return result;
  } catch (error) {
    if (span) recordFailure(span, error);
    finish();
    throw error;
  }
}
