import { diag } from '@opentelemetry/api';

/**
 * Runs a piece of telemetry and returns its result, or `fallback` when it throws: telemetry never breaks the work
 * it observes. Failures go to OpenTelemetry's diagnostic logger (enable it with OTEL_LOG_LEVEL).
 */
export function guard<T>(what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (error) {
    diag.error(`vrouter telemetry: ${what} failed`, error);
    return fallback;
  }
}
