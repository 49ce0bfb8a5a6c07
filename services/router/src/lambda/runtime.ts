import { loadConfig, type RouterConfig } from '../config.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { resolveAdminToken } from '../secrets.js';

export interface ContainerRuntime {
  runtime: Runtime;
  config: RouterConfig;
}

let pending: Promise<ContainerRuntime> | undefined;

/**
 * The one runtime of this Lambda container, made on the first invocation and reused by every later one (of either
 * handler): configuration from the environment (loadConfig), the admin token from Secrets Manager or SSM when so
 * configured, the store and dispatchers from the SDK's standard configuration. A failed creation is not kept: the
 * next invocation tries again. The runtime is never closed: the container is frozen between invocations, and the
 * handlers answer only once their dispatches are recorded.
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
  // The handlers take no HTTP request: without an admin token, no token authenticates rather than refusing to start.
  const runtime = await createRuntime({ config, ...(config.adminToken ? {} : { authenticator: { authenticate: async () => null } }) });
  return { runtime, config };
}
