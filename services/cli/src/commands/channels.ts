import type { ChannelName, ChannelPointer, Override } from '@vrouter/client';
import { CHANNELS } from '@vrouter/core';
import { Argument, type Command, Option } from 'commander';
import { describeTarget } from './format.js';
import { change, type Done, leaf, noun, run, withOverride, withReason } from './run.js';
import { formatTable } from './table.js';

const channelArgument = () => new Argument('<channel>', 'channel').choices(CHANNELS);

const moved = (pointer: ChannelPointer): Done => ({
  answer: pointer,
  text: () => `${pointer.component} ${pointer.channel} → ${pointer.version}${pointer.previousVersion ? ` (was ${pointer.previousVersion})` : ''}`,
});

/** `vrouter channels show|set|promote|rollback`. */
export function registerChannels(program: Command): void {
  const channels = noun(program, 'channels', 'Point the stable, beta and experimental channels of a component at versions.');

  leaf(channels, 'show', 'Show which version each channel points at.')
    .argument('<component>', 'component name')
    .action(
      run(async (client, [component]) => {
        const answer = await client.components.get(component!);
        const targets = new Map(answer.versions.map((v) => [v.name, describeTarget(v.target)]));
        return {
          answer,
          text: () =>
            formatTable(
              ['CHANNEL', 'VERSION', 'TARGET'],
              CHANNELS.map((c) => {
                const version = answer.channels[c];
                return [c, version, version ? targets.get(version) : undefined];
              }),
            ),
        };
      }),
    );

  withOverride(leaf(channels, 'set', 'Point a channel at a registered version.'))
    .argument('<component>', 'component name')
    .addArgument(channelArgument())
    .argument('<version>', 'version name')
    .action(
      run<Override>(async (client, [component, channel, version], options) => moved(await client.channels.set(component!, channel as ChannelName, version!, change(options)))),
    );

  withOverride(leaf(channels, 'promote', 'Point a channel at the version another channel points at now.'))
    .argument('<component>', 'component name')
    .addArgument(channelArgument())
    .addOption(new Option('--from <channel>', 'the channel to copy').choices(CHANNELS).makeOptionMandatory())
    .action(
      run<Override & { from: ChannelName }>(async (client, [component, channel], options) =>
        moved(await client.channels.promote(component!, channel as ChannelName, options.from, change(options))),
      ),
    );

  withReason(leaf(channels, 'rollback', 'Point a channel back at the version it pointed at before its last move.'))
    .argument('<component>', 'component name')
    .addArgument(channelArgument())
    .action(run<{ reason?: string }>(async (client, [component, channel], options) => moved(await client.channels.rollback(component!, channel as ChannelName, change(options)))));
}
