import { type Context, context, createContextKey } from '@opentelemetry/api';
import { CostContext, runWithCost } from './cost.js';

/**
 * The context key the OpenTelemetry SDK checks to suppress tracing (`suppressTracing` of @opentelemetry/core, which
 * this package does not depend on). createContextKey is Symbol.for(description), so this is the same key; the
 * package's tests check that the SDK honours it.
 */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** `base` with tracing suppressed: spans started in it (ours and every instrumentation's) record nothing. */
export function suppressTracing(base: Context): Context {
  return base.setValue(SUPPRESS_TRACING_KEY, true);
}

/**
 * Runs periodic or housekeeping work (`name`, e.g. 'config-poll') without traces and in a `background` cost
 * context: a poll every second would otherwise be a trace every second, and its DynamoDB requests would be
 * reported as context lost. Timers and promises started inside keep both, so a loop started here stays quiet.
 */
export function inBackground<T>(name: string, fn: () => T): T {
  return runWithCost(new CostContext('background', name), () => context.with(suppressTracing(context.active()), fn));
}
