import type { Command } from 'commander';
import { change, leaf, noun, run, withReason } from './run.js';
import { formatTable } from './table.js';

/** `vrouter projects list|set`. */
export function registerProjects(program: Command): void {
  const projects = noun(program, 'projects', 'Record projects and the customer each belongs to.');
  leaf(projects, 'list', 'List recorded projects and their customers.').action(
    run(async (client) => {
      const answer = await client.projects.list();
      return {
        answer,
        text: () =>
          answer.projects.length === 0
            ? 'no projects'
            : formatTable(
                ['PROJECT', 'CUSTOMER'],
                answer.projects.map((p) => [p.id, p.customer]),
              ),
      };
    }),
  );
  withReason(leaf(projects, 'set', "Record a project and its customer (events naming only the project get the customer's pins)."))
    .argument('<project>', 'project id')
    .requiredOption('--customer <customer>', 'customer id')
    .action(
      run<{ customer: string; reason?: string }>(async (client, [project], options) => {
        const answer = await client.projects.put(project!, { customer: options.customer, ...change(options) });
        return { answer, text: () => `project ${answer.id}: customer ${answer.customer}` };
      }),
    );
}
