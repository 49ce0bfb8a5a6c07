type Env = Record<string, string | undefined>;

/**
 * The router's batch span processor settings where the deployment sets none: the standard OTEL_BSP_* variables,
 * which the SDK reads, so any of them set in the environment wins. Against the SDK's defaults (queue 2048, batches
 * of 512): the router makes about ten spans per event, so at a few hundred events a second 2048 spans are under a
 * second of traffic, and a collector that is slow for a moment loses spans; a deeper queue rides it out. Batches
 * twice as large halve the export requests made on the router's own event loop, while one batch still serialises
 * in milliseconds. The delay stays the SDK's: it only matters when traffic is too light to fill a batch.
 */
export const BATCH_DEFAULTS = {
  OTEL_BSP_MAX_QUEUE_SIZE: '8192',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1024',
} as const;

/** Sets each of BATCH_DEFAULTS in `env` that is unset (or blank), before the SDK reads them. */
export function applyBatchDefaults(env: Env = process.env): void {
  for (const [name, value] of Object.entries(BATCH_DEFAULTS)) if ((env[name] ?? '').trim() === '') env[name] = value;
}
