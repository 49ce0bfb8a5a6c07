import type { BusLogger } from '../bus/messages.js';
import { loadConfig, type RouterConfig } from '../config.js';
import { consoleLogger } from '../console-logger.js';
import { createIngestRuntime, type IngestRuntime } from '../ingest-runtime.js';
import { resolveAdminToken } from '../secrets.js';

/** What the handlers run on: ingest alone (no HTTP app, no admin service), logging JSON lines to stdout. */
export type LambdaRuntime = IngestRuntime & { logger: BusLogger };

export interface ContainerRuntime {
  runtime: LambdaRuntime;
  config: RouterConfig;
}

let pending: Promise<ContainerRuntime> | undefined;

/**
 * The one runtime of this Lambda container, made on the first invocation and reused by every later one (of either
 * handler): configuration from the environment (loadConfig), the admin token from Secrets Manager or SSM when so
 * configured (it keys payload references), the store and dispatchers from the SDK's standard configuration. A failed
 * creation is not kept: the next invocation tries again. The runtime is never closed: the container is frozen
 * between invocations, and the handlers answer only once their dispatches are recorded.
 */
export async function containerRuntime(env: Record<string, string | undefined> = process.env): Promise<ContainerRuntime> {
  pending ??= create(env).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  const container = await pending;
  // Timers do not run while the container is frozen: check the configuration revision if the last look is stale.
  await container.runtime.cache.ensureFresh(container.config.pollIntervalMs);
  return container;
}

async function create(env: Record<string, string | undefined>): Promise<ContainerRuntime> {
  const config = await resolveAdminToken(loadConfig(env));
  const logger = consoleLogger(config.logLevel);
  const ingest = await createIngestRuntime({ config, logger });
  return { runtime: { ...ingest, logger }, config };
}
