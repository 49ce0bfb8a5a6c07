import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '@vrouter/store-dynamodb';
import { seedSvc, type Stack, startStack } from './stack.js';

export const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

export type CountingClient = ReturnType<typeof countingClient>;

/** A real DynamoDB client that also counts the requests it sends, by command name. */
export function countingClient(endpoint: string): { client: DynamoDBClient; counts: Map<string, number>; reads: () => number; total: () => number } {
  const client = createDynamoClient({ endpoint });
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'vrouterRequestCounter' },
  );
  const sum = (filter: (name: string) => boolean) => [...counts].filter(([name]) => filter(name)).reduce((n, [, c]) => n + c, 0);
  return { client, counts, reads: () => sum((name) => READ_COMMANDS.has(name)), total: () => sum(() => true) };
}

/** A router with `env` and component svc seeded, whose store client counts every request it sends. */
export async function startCountedStack(env: Record<string, string>): Promise<{ stack: Stack; counter: CountingClient }> {
  let counter: CountingClient | undefined;
  const stack = await startStack({
    env,
    dynamo: (endpoint) => {
      counter = countingClient(endpoint);
      return counter.client;
    },
  });
  await seedSvc(stack.api);
  return { stack, counter: counter! };
}
