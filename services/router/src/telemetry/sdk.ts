import { FastifyOtelInstrumentation } from '@fastify/otel';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';

type Env = Record<string, string | undefined>;

/** The service.name used when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES names one. */
export const DEFAULT_SERVICE_NAME = 'vrouter';

/** Health probes arrive every few seconds from load balancers; a trace each would drown the useful ones. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz']);

/**
 * Incoming requests not traced: health probes, and requests from AWS SDK clients, which the router never serves but
 * which in dev mode reach the embedded DynamoDB and the local Lambda endpoint running in the router's process (the
 * AWS SDK's own spans already show those calls).
 */
export function untracedIncoming(request: { url?: string; headers: Record<string, string | string[] | undefined> }): boolean {
  const userAgent = request.headers['user-agent'];
  if (typeof userAgent === 'string' && userAgent.startsWith('aws-sdk-js/')) return true;
  return UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? '');
}

/** Set on an AWS call's span whose condition did not hold: the router's own way of saying "someone was first". */
export const ATTR_CONDITION_NOT_MET = 'vrouter.dynamodb.condition_not_met';

/**
 * A DynamoDB conditional write that loses is how the router learns that a claim, an event or a lease belongs to
 * someone else (a duplicate, another router): an expected answer, not a failure. The instrumentation marks every
 * rejected call ERROR; this undoes that for a ConditionalCheckFailedException (the exception event stays on the
 * span, for whoever wants the message).
 */
export function expectedAwsMiss(span: Span, _request: unknown, error: unknown): void {
  if ((error as { name?: unknown } | undefined)?.name !== 'ConditionalCheckFailedException') return;
  span.setStatus({ code: SpanStatusCode.OK });
  span.setAttribute(ATTR_CONDITION_NOT_MET, true);
}

/**
 * The instrumentations the router runs with, and only those: incoming HTTP, fastify (routes and handlers, through
 * fastify's own diagnostics channel, so no module patching), and the AWS SDK (DynamoDB and Lambda calls, with
 * Lambda Invoke's ClientContext carrying the trace; a lost conditional write is not an error). Hook spans are left
 * out: one span per hook per request costs more than it tells.
 *
 * Outgoing `http` is not instrumented. The router's only `node:http` clients are the AWS SDK, whose calls have
 * spans of their own, and the OTLP exporter, whose calls must not be traced; HTTP targets and webhooks go through
 * undici, which this instrumentation never saw. Suppressed or not, an instrumented outgoing request still pays for
 * its attributes, a non-recording span, listener wrapping and a client-duration metric: several times per event,
 * for nothing.
 */
export function routerInstrumentations(): NodeSDKConfiguration['instrumentations'] {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: untracedIncoming, disableOutgoingRequestInstrumentation: true }),
    new FastifyOtelInstrumentation({ registerOnInitialization: true, instrumentHooks: false }),
    // Should an HTTP client instrumentation ever be added, the HTTP spans under each AWS call would repeat it.
    new AwsInstrumentation({ suppressInternalInstrumentation: true, exceptionHook: expectedAwsMiss }),
  ];
}

const set = (env: Env, name: string) => (env[name] ?? '').trim() !== '';

/** Where OTEL_* sends each signal; a signal with no destination and no exporter named is not exported. */
export interface ExportPlan {
  traces: boolean;
  metrics: boolean;
  logs: boolean;
}

/**
 * Reads which signals the standard variables configure an exporter for: an OTLP endpoint (general or per signal), or
 * an exporter named in OTEL_<SIGNAL>_EXPORTER (e.g. `console`, or `otlp` to accept the default localhost:4318).
 */
export function exportPlan(env: Env = process.env): ExportPlan {
  const endpoint = set(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  return {
    traces: endpoint || set(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') || set(env, 'OTEL_TRACES_EXPORTER'),
    metrics: endpoint || set(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') || set(env, 'OTEL_METRICS_EXPORTER'),
    logs: endpoint || set(env, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT') || set(env, 'OTEL_LOGS_EXPORTER'),
  };
}

function namesService(env: Env): boolean {
  return set(env, 'OTEL_SERVICE_NAME') || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
}

/** True when the variables export at least one signal: otherwise there is no reason to start an SDK at all. */
export function exportsAnything(plan: ExportPlan = exportPlan()): boolean {
  return plan.traces || plan.metrics || plan.logs;
}

/**
 * The router's OpenTelemetry SDK, configured by the standard OTEL_* variables only (endpoint, protocol
 * `http/protobuf` | `http/json` | `grpc`, headers, service name, sampler, OTEL_SDK_DISABLED, ...), with one
 * difference from the SDK's defaults: a signal with no endpoint and no exporter named is not exported (for traces:
 * no tracer provider, spans are not even recorded), rather than sent to localhost:4318 where, with nothing
 * listening, every batch logs a connection error. `overrides` are for tests (in-memory exporters).
 * Start it before fastify and the AWS SDK are loaded (register.ts does, through `node --import`).
 */
export function createTelemetrySdk(overrides: Partial<NodeSDKConfiguration> = {}, env: Env = process.env): NodeSDK {
  const plan = exportPlan(env);
  return new NodeSDK({
    instrumentations: routerInstrumentations(),
    ...(namesService(env) ? {} : { serviceName: DEFAULT_SERVICE_NAME }),
    ...(plan.traces ? {} : { spanProcessors: [] }),
    ...(plan.metrics ? {} : { metricReaders: [] }),
    ...(plan.logs ? {} : { logRecordProcessors: [] }),
    ...overrides,
  });
}
