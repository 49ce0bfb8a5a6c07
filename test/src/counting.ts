import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '@vrouter/store-dynamodb';

export const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

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
