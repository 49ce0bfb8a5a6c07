import type { ChannelName, PinInput, PinScope } from '@vrouter/client';
import { CHANNELS, SCOPES } from '@vrouter/core';
import { Argument, type Command, Option } from 'commander';
import { parseExpiry } from './duration.js';
import { describePinTarget } from './format.js';
import { UsageError } from './errors.js';
import { change, leaf, noun, run, withOverride } from './run.js';
import { formatTable } from './table.js';

type PinArgs = [PinScope, string, string];
const scopeArgument = () => new Argument('<scope>', 'pin scope').choices(SCOPES);

/** `vrouter pins list|set|unset`. */
export function registerPins(program: Command): void {
  const pins = noun(program, 'pins', 'Pin a project, customer or plan to a channel or an exact version.');

  leaf(pins, 'list', 'List pins, optionally filtered.')
    .addOption(new Option('--scope <scope>', 'only this scope').choices(SCOPES))
    .option('--subject <subject>', 'only this project, customer or plan')
    .option('--component <component>', 'only this component')
    .action(
      run<{ scope?: PinScope; subject?: string; component?: string }>(async (client, _args, { scope, subject, component }) => {
        const answer = await client.pins.list({ scope, subject, component });
        return {
          answer,
          text: () =>
            answer.pins.length === 0
              ? 'no pins'
              : formatTable(
                  ['SCOPE', 'SUBJECT', 'COMPONENT', 'TARGET', 'EXPIRES', 'REASON'],
                  answer.pins.map((p) => [p.scope, p.subject, p.component, describePinTarget(p), p.expiresAt, p.reason]),
                ),
        };
      }),
    );

  withOverride(leaf(pins, 'set', 'Pin a subject to a channel or to an exact version (replaces its pin for that component).'))
    .addArgument(scopeArgument())
    .argument('<subject>', 'project, customer or plan id')
    .argument('<component>', 'component name')
    .addOption(new Option('--channel <channel>', 'follow this channel').choices(CHANNELS))
    .option('--version <version>', 'this exact version')
    .option('--expires <when>', 'expiry: a duration (30m, 2h, 7d) or an RFC 3339 time')
    .action(
      run<{ channel?: ChannelName; version?: string; expires?: string; reason?: string; force?: boolean }>(async (client, args, options) => {
        const [scope, subject, component] = args as PinArgs;
        if ((options.channel === undefined) === (options.version === undefined)) throw new UsageError('Give exactly one of --channel or --version.');
        const target = options.channel !== undefined ? { channel: options.channel } : { version: options.version! };
        const input: PinInput = {
          ...target,
          ...(options.expires !== undefined ? { expiresAt: parseExpiry(options.expires) } : {}),
          ...change(options),
        };
        const pin = await client.pins.set(scope, subject, component, input);
        const until = pin.expiresAt ? ` until ${pin.expiresAt}` : '';
        return { answer: pin, text: () => `pinned ${scope} ${subject} to ${describePinTarget(pin)} of ${component}${until}` };
      }),
    );

  leaf(pins, 'unset', 'Remove a pin; the subject falls back to the next scope, then stable.')
    .addArgument(scopeArgument())
    .argument('<subject>', 'project, customer or plan id')
    .argument('<component>', 'component name')
    .action(
      run(async (client, args) => {
        const [scope, subject, component] = args as PinArgs;
        await client.pins.unset(scope, subject, component);
        return { answer: {}, text: () => `unpinned ${scope} ${subject} from ${component}` };
      }),
    );
}
