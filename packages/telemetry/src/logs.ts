import { context, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import { guard } from './guard.js';

/** Fields a log line gets to join it to its trace. */
export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * The active span's ids as log fields (`trace_id`, `span_id`, `trace_flags`, the names OpenTelemetry's log data
 * model and Honeycomb use), or {} outside any span. Meant as a pino `mixin`; never throws.
 */
export function traceLogFields(): TraceLogFields {
  return guard(
    'reading the active span for a log line',
    () => {
      const spanContext = trace.getSpanContext(context.active());
      if (!spanContext || !isSpanContextValid(spanContext)) return {};
      return { trace_id: spanContext.traceId, span_id: spanContext.spanId, trace_flags: spanContext.traceFlags & TraceFlags.SAMPLED ? '01' : '00' };
    },
    {},
  );
}
