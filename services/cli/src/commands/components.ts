import type { Command } from 'commander';
import { change, leaf, noun, run, withReason } from './run.js';
import { formatTable } from './table.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `vrouter components list|set`. */
export function registerComponents(program: Command): void {
  const components = noun(program, 'components', 'Register components and the event types they subscribe to.');

  leaf(components, 'list', 'List components with their subscriptions, channels and version counts.').action(
    run(async (client) => {
      const answer = await client.components.list();
      return {
        answer,
        text: () =>
          answer.components.length === 0
            ? 'no components'
            : formatTable(
                ['NAME', 'SUBSCRIPTIONS', 'STABLE', 'BETA', 'EXPERIMENTAL', 'VERSIONS', 'DESCRIPTION'],
                answer.components.map((c) => [c.name, c.subscriptions.join(','), c.channels.stable, c.channels.beta, c.channels.experimental, c.versions.length, c.description]),
              ),
      };
    }),
  );

  withReason(leaf(components, 'set', 'Create or replace a component: its subscriptions and description.'))
    .argument('<name>', 'component name')
    .requiredOption('--subscribe <pattern>', 'event type or prefix pattern such as build.* (repeatable)', collect)
    .option('--description <text>', 'what the component does')
    .action(
      run<{ subscribe: string[]; description?: string; reason?: string }>(async (client, [name], options) => {
        const { subscribe, description } = options;
        const answer = await client.components.put(name!, { subscriptions: subscribe, ...(description !== undefined ? { description } : {}), ...change(options) });
        return { answer, text: () => `component ${answer.name}: subscribes to ${answer.subscriptions.join(', ') || 'nothing'}` };
      }),
    );
}
