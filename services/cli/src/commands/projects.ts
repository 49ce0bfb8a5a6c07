import type { Command } from 'commander';
import { change, leaf, noun, run, withReason } from './run.js';

/** `vrouter projects set <project> --customer <customer>`. */
export function registerProjects(program: Command): void {
  const projects = noun(program, 'projects', 'Record projects and the customer each belongs to.');
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
