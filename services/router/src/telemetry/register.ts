/**
 * Starts OpenTelemetry for the process: `node --import <path>/services/router/dist/telemetry/register.js`, or simply
 * `vrouter dev` / `vrouter serve`, whose launchers (the CLI's bin/vrouter.js, the router's bin/serve.js) import it
 * before the router unless OTEL_SDK_DISABLED=true. It must run before fastify and the AWS SDK are loaded, so that their instrumentations
 * apply. Configuration: the standard OTEL_* variables only (see createTelemetrySdk, BATCH_DEFAULTS and docs/telemetry.md). When they
 * export nothing (no endpoint, no exporter named), no SDK is started: telemetry then costs nothing, and targets still
 * get the trace context their event came with.
 */
import { applyBatchDefaults } from './batch.js';
import { resolveOtlpHeaders } from './otlp-headers.js';
import { createTelemetrySdk, exportsAnything } from './sdk.js';

resolveOtlpHeaders();
if (exportsAnything()) {
  applyBatchDefaults();
  createTelemetrySdk().start();
}
