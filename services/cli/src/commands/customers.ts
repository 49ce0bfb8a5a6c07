import type { Command } from 'commander';
import { change, leaf, noun, run, withReason } from './run.js';
import { formatTable } from './table.js';

/** `vrouter customers list|set`. */
export function registerCustomers(program: Command): void {
  const customers = noun(program, 'customers', 'Record customers and their plans.');
  leaf(customers, 'list', 'List recorded customers and their plans.').action(
    run(async (client) => {
      const answer = await client.customers.list();
      return {
        answer,
        text: () =>
          answer.customers.length === 0
            ? 'no customers'
            : formatTable(
                ['CUSTOMER', 'PLAN'],
                answer.customers.map((c) => [c.id, c.plan]),
              ),
      };
    }),
  );
  withReason(leaf(customers, 'set', 'Record a customer and its plan (plan pins apply to its events).'))
    .argument('<customer>', 'customer id')
    .requiredOption('--plan <plan>', 'plan, e.g. free or pro')
    .action(
      run<{ plan: string; reason?: string }>(async (client, [customer], options) => {
        const answer = await client.customers.put(customer!, { plan: options.plan, ...change(options) });
        return { answer, text: () => `customer ${answer.id}: plan ${answer.plan ?? '-'}` };
      }),
    );
}
