import { type Context, isSpanContextValid, ROOT_CONTEXT, type SpanContext, trace, TraceFlags } from '@opentelemetry/api';

/**
 * W3C `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header), read and written here rather than
 * with the globally configured propagator: vrouter hands exactly this header on to targets, also when no SDK (and
 * so no propagator) is registered, and reads it from the CloudEvents `traceparent` extension attribute.
 */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The span context of a valid `traceparent`, marked remote; undefined for anything else (never throws). */
export function parseTraceparent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is invalid; version 00 has exactly four fields. Later versions may add fields (kept compatible).
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** `traceparent` of a span context; undefined when the context is invalid (no trace to continue). */
export function formatTraceparent(spanContext: SpanContext | undefined): string | undefined {
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** A context whose parent is the `traceparent`, on top of `base` (default: the root context); `base` when invalid. */
export function contextFromTraceparent(value: unknown, base: Context = ROOT_CONTEXT): Context {
  const spanContext = parseTraceparent(value);
  return spanContext ? trace.setSpanContext(base, spanContext) : base;
}

/** The `traceparent` of the span active in `context`; undefined when there is none (or it is invalid). */
export function traceparentOf(context: Context): string | undefined {
  return formatTraceparent(trace.getSpanContext(context));
}
