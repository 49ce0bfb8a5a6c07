import { Command } from 'commander';
import { registerAdminCommands } from './commands/index.js';
import { ConfigError, loadConfig } from './config.js';
import { startDev } from './dev.js';
import { createTableCommand, startServe } from './serve.js';

/** Stops `close` on the first SIGINT/SIGTERM; a second signal exits at once. */
function onShutdown(close: () => Promise<void>): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) process.exit(130);
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

export function program(): Command {
  const cli = new Command('vrouter').description('Version Router: route each event to the version its customer, project or plan is pinned to.');
  cli
    .command('dev')
    .description('Run the router with an embedded store, local example targets and seeded examples (no AWS account).')
    .action(async () => {
      // Dev mode runs local endpoints only: the SDK's notice about future Node versions is noise on a first run
      // (serve keeps it; the README's troubleshooting explains it).
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const dev = await startDev(loadConfig());
      onShutdown(() => dev.close());
    });
  cli
    .command('serve')
    .description('Run the router against AWS (or any compatible endpoints) from the standard SDK configuration.')
    // --- Event bus ---
    .option('--sqs-queue-url <url>', 'also consume CloudEvents and EventBridge events from this SQS queue (else VROUTER_SQS_QUEUE_URL)')
    .action(async (options: { sqsQueueUrl?: string }) => {
      const env = options.sqsQueueUrl ? { ...process.env, VROUTER_SQS_QUEUE_URL: options.sqsQueueUrl } : process.env;
      const runtime = await startServe(loadConfig(env));
      // --- end of event bus ---
      onShutdown(() => runtime.close());
    });
  cli
    .command('table')
    .description('Manage the DynamoDB table.')
    .command('create')
    .description('Create the table and its indexes (VROUTER_TABLE, default "vrouter"); does nothing when it exists.')
    .action(async () => {
      const config = loadConfig();
      await createTableCommand(config);
      process.stdout.write(`table ${config.tableName} is ready\n`);
    });
  registerAdminCommands(cli);
  return cli;
}

/** Entry point of the `vrouter` binary; prints configuration errors without a stack trace. */
export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (error) {
    const message = error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`vrouter: ${message}\n`);
    process.exitCode = 1;
  }
}
