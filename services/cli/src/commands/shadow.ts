import type { Command } from 'commander';
import { parseSince } from './duration.js';
import { leaf, noun, run, withReason } from './run.js';
import { formatTable } from './table.js';

const percent = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new Error(`--percent must be a number from 0 to 100, got ${JSON.stringify(value)}`);
  return n;
};

/** `vrouter shadow set|unset|compare`: mirror live events to a candidate version and compare its outcomes. */
export function registerShadow(program: Command): void {
  const shadow = noun(program, 'shadow', 'Mirror a share of live events to a candidate version, apart from the primary.');

  withReason(leaf(shadow, 'set', 'Mirror the live events of a sticky share of customers to a version.'))
    .argument('<component>', 'component name')
    .argument('<version>', 'the candidate version')
    .requiredOption('--percent <n>', 'share of customers, 0 to 100', percent)
    .action(
      run<{ percent: number; reason?: string }>(async (client, [component, version], options) => {
        const answer = await client.shadow.set(component!, { version: version!, percent: options.percent, ...(options.reason ? { reason: options.reason } : {}) });
        return { answer, text: () => `${answer.name}: ${answer.shadow?.percent}% of customers also go to ${answer.shadow?.version} (shadow)` };
      }),
    );

  withReason(leaf(shadow, 'unset', 'Stop mirroring.'))
    .argument('<component>', 'component name')
    .action(
      run<{ reason?: string }>(async (client, [component], options) => {
        await client.shadow.unset(component!, options.reason);
        return { answer: {}, text: () => `${component}: no shadow` };
      }),
    );

  leaf(shadow, 'compare', 'Compare shadow and primary outcomes over a window.')
    .argument('<component>', 'component name')
    .option('--since <duration>', 'window start, e.g. 1h or an RFC 3339 time (default: 1h)')
    .action(
      run<{ since?: string }>(async (client, [component], options) => {
        const answer = await client.shadow.compare(component!, options.since ? { from: parseSince(options.since) } : {});
        const a = answer.agreement;
        return {
          answer,
          text: () =>
            [
              `${answer.component}: ${answer.compared} mirrored events to ${answer.shadowVersion ?? '(no shadow now)'} since ${answer.from}`,
              `both succeeded ${a.bothSucceeded}, both failed ${a.bothFailed}, only the shadow failed ${a.shadowOnlyFailed}, only the primary failed ${a.primaryOnlyFailed}, undecided ${a.undecided}`,
              `answers compared ${answer.responses.compared}: matched ${answer.responses.matched}, differed ${answer.responses.differed}`,
              ...(answer.differences.length > 0
                ? [
                    '',
                    formatTable(
                      ['ID', 'PRIMARY', 'SHADOW', 'WHY'],
                      answer.differences.map((d) => [d.id, `${d.primary.version} ${d.primary.status}`, `${d.shadow.version} ${d.shadow.status}`, d.why]),
                    ),
                  ]
                : []),
            ].join('\n'),
        };
      }),
    );
}
