import { metrics, trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush(): Promise<void>;
}

function flushable(provider: unknown): Flushable | undefined {
  return typeof (provider as Partial<Flushable> | undefined)?.forceFlush === 'function' ? (provider as Flushable) : undefined;
}

/**
 * Exports what the registered SDK still buffers (spans, metrics), waiting at most `timeoutMs`: on shutdown, so the
 * last events' spans are not lost, without hanging when the exporter's endpoint is down. Never throws; a no-op
 * without an SDK.
 */
export async function flushTelemetry(timeoutMs = 2000): Promise<void> {
  const tracerProvider = trace.getTracerProvider() as unknown as { getDelegate?: () => unknown };
  const providers = [flushable(tracerProvider.getDelegate?.() ?? tracerProvider), flushable(metrics.getMeterProvider())].filter((p) => p !== undefined);
  if (providers.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  await Promise.race([Promise.allSettled(providers.map((p) => p.forceFlush())), timeout]);
  clearTimeout(timer);
}
