import type { ComponentDetails } from '@vrouter/client';
import { CHANNELS } from '@vrouter/core';
import type { Command } from 'commander';
import { channelsOf, describeTarget } from './format.js';
import { change, leaf, noun, run, withReason } from './run.js';
import { formatTable } from './table.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `vrouter components list|get|set|remove`. */
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

  leaf(components, 'get', 'Show a component: description, subscriptions, channels, shadow and versions.')
    .argument('<component>', 'component name')
    .action(
      run(async (client, [component]) => {
        const answer = await client.components.get(component!);
        return { answer, text: () => describeComponent(answer) };
      }),
    );

  withReason(leaf(components, 'remove', 'Remove a component; refused (exit 4) while it has versions or pins.'))
    .argument('<component>', 'component name')
    .action(
      run<{ reason?: string }>(async (client, [component], options) => {
        await client.components.delete(component!, change(options));
        return { answer: {}, text: () => `removed component ${component}` };
      }),
    );
}

/** `vrouter components get`: one field a line, then the versions. */
export function describeComponent(component: ComponentDetails): string {
  const shadow = (component as ComponentDetails & { shadow?: { version: string; percent: number } }).shadow;
  const fields = formatTable(
    ['FIELD', 'VALUE'],
    [
      ['component', component.name],
      ['description', component.description],
      ['subscribes', component.subscriptions.join(', ')],
      ['channels', CHANNELS.map((c) => `${c} ${component.channels[c] ?? '-'}`).join(', ')],
      ['shadow', shadow ? `${shadow.version} at ${shadow.percent}%` : undefined],
    ],
  )
    .split('\n')
    .slice(1)
    .join('\n');
  const versions =
    component.versions.length === 0
      ? 'no versions'
      : formatTable(
          ['VERSION', 'TARGET', 'CHANNELS', 'REGISTERED'],
          component.versions.map((v) => [v.name, describeTarget(v.target), channelsOf(component.channels, v.name), v.registeredAt]),
        );
  return `${fields}\n\n${versions}`;
}
