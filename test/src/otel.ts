import { MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createTelemetrySdk } from '../../services/router/src/telemetry/sdk.js';

/** Collects metrics when asked to. */
class OnDemandMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface TestTelemetry {
  exporter: InMemorySpanExporter;
  metrics: MetricReader;
  /** Finished spans, optionally only those named `name`. */
  spans(name?: string): ReadableSpan[];
  shutdown(): Promise<void>;
}

let started: TestTelemetry | undefined;

/**
 * Starts the router's own OpenTelemetry SDK (the instrumentations and settings `vrouter dev` and `serve` run with,
 * see services/router/src/telemetry/sdk.ts) with spans exported to memory and metrics read on demand.
 * Call it before fastify and the AWS SDK are loaded, that is before importing stack.js: import that dynamically
 * afterwards. Node's test runner runs each test file in its own process, so this stays within one file.
 */
export function startTestTelemetry(): TestTelemetry {
  if (started) return started;
  const exporter = new InMemorySpanExporter();
  const reader = new OnDemandMetricReader();
  const sdk = createTelemetrySdk({ spanProcessors: [new SimpleSpanProcessor(exporter)], metricReaders: [reader] }, {});
  sdk.start();
  started = {
    exporter,
    metrics: reader,
    spans: (name) => exporter.getFinishedSpans().filter((span) => name === undefined || span.name === name),
    shutdown: () => sdk.shutdown(),
  };
  return started;
}
