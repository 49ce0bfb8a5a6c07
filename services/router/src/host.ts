import { loadConfig } from './config.js';
import { parseDevFunctions } from './dev-functions.js';
import { startDev } from './dev.js';
import { createTableCommand, startServe } from './serve.js';

/** Exit code of a process stopped by a second signal, as a shell reports Ctrl-C. */
const INTERRUPTED = 130;

/** Stops `close` on the first SIGINT/SIGTERM; a second signal exits at once. */
function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) process.exit(INTERRUPTED);
    closing = true;
    process.stderr.write(`\n${signal}: finishing in-flight dispatches and stopping...\n`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : error}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/**
 * Dev mode's store runs in the router's own process, so a busy laptop (or a test machine) slows both at once: store
 * calls get seconds, not AWS's half second, unless set. 10 s heartbeat + (4 s + 1 s) × 2 stays below the 30 s lease.
 */
const DEV_STORE_BOUNDS = { VROUTER_STORE_TIMEOUT_MS: '4000', VROUTER_STORE_CONNECT_TIMEOUT_MS: '1000' } as const;

/**
 * `vrouter dev`: the embedded store, local example targets (and `functions`: `name[:qualifier]=path`, the user's
 * own handlers) and the router, until SIGINT/SIGTERM. Throws ConfigError for a bad configuration or function.
 */
export async function runDev(options: { functions?: readonly string[] } = {}, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Dev mode runs local endpoints only: the SDK's notice about future Node versions is noise on a first run
  // (serve keeps it; the README's troubleshooting explains it).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const functions = parseDevFunctions(options.functions ?? []);
  const dev = await startDev(loadConfig({ ...DEV_STORE_BOUNDS, ...env }), { functions });
  onShutdown(() => dev.close());
}

/** `vrouter serve`: the router against AWS (or compatible endpoints), until SIGINT/SIGTERM. Throws ConfigError. */
export async function runServe(options: { sqsQueueUrl?: string } = {}, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadConfig(options.sqsQueueUrl ? { ...env, VROUTER_SQS_QUEUE_URL: options.sqsQueueUrl } : env);
  const runtime = await startServe(config);
  onShutdown(() => runtime.close());
}

/** `vrouter table create`: creates the table and its indexes when missing; resolves with the table's name. */
export async function runTableCreate(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const config = loadConfig(env);
  await createTableCommand(config);
  return config.tableName;
}
