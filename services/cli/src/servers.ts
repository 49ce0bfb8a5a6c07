import type { Command } from 'commander';

type Host = typeof import('@vrouter/router/host');

/**
 * The router, loaded only by the commands that run it: `vrouter pins list` never loads fastify, the AWS SDK or the
 * embedded store. A CLI installed without the router says so instead of a module-resolution stack.
 */
async function host(command: string): Promise<Host> {
  try {
    return await import('@vrouter/router/host');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('@vrouter/router')) {
      throw new Error(`vrouter ${command} runs the router, which is not installed here: install @vrouter/router beside @vrouter/cli.`);
    }
    throw error;
  }
}

/** `vrouter dev`, `vrouter serve`, `vrouter table create`: the commands that run the router or set up its store. */
export function registerServerCommands(cli: Command): void {
  cli
    .command('dev')
    .description('Run the router with an embedded store, local example targets and seeded examples (no AWS account).')
    .option(
      '--function <name[:qualifier]=path>',
      'also serve your own handler module on the local Lambda endpoint, as $LATEST or the given version or alias (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (options: { function?: string[] }) => (await host('dev')).runDev({ functions: options.function ?? [] }));
  cli
    .command('serve')
    .description('Run the router against AWS (or any compatible endpoints) from the standard SDK configuration.')
    .option('--sqs-queue-url <url>', 'also consume CloudEvents and EventBridge events from this SQS queue (else VROUTER_SQS_QUEUE_URL)')
    .action(async (options: { sqsQueueUrl?: string }) => (await host('serve')).runServe(options.sqsQueueUrl ? { sqsQueueUrl: options.sqsQueueUrl } : {}));
  cli
    .command('table')
    .description('Manage the DynamoDB table.')
    .command('create')
    .description('Create the table and its indexes (VROUTER_TABLE, default "vrouter"); does nothing when it exists.')
    .action(async () => {
      const table = await (await host('table create')).runTableCreate();
      process.stdout.write(`table ${table} is ready\n`);
    });
}
