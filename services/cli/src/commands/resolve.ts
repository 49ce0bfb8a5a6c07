import type { ResolveAnswer } from '@vrouter/client';
import type { Command } from 'commander';
import { leaf, run } from './run.js';
import { formatTable } from './table.js';

/** `svc → v2 via customer pin acme (channel beta)`, then the context and one line per scope considered. */
export function describeResolution(answer: ResolveAnswer): string {
  const decision = answer.resolved
    ? `${answer.component} → ${answer.version} via ${answer.pin ? `${answer.pin.scope} pin ${answer.pin.subject}` : 'default'}${answer.channel ? ` (channel ${answer.channel})` : ''}`
    : `${answer.component}: no version: ${answer.reason}`;
  const { customer, project, plan } = answer.context;
  const context = `context: customer ${customer ?? '-'}, project ${project ?? '-'}, plan ${plan ?? '-'} (config revision ${answer.configRevision})`;
  const steps = formatTable(
    ['SCOPE', 'SUBJECT', 'OUTCOME', 'DETAIL'],
    answer.considered.map((c) => [c.scope, c.subject, c.outcome, c.detail]),
  );
  return `${decision}\n${context}\n\n${steps}`;
}

/** `vrouter resolve <component> [--customer --project --plan]`. */
export function registerResolve(program: Command): void {
  leaf(program, 'resolve', 'Show which version an event would reach now, and why (every scope considered).')
    .argument('<component>', 'component name')
    .option('--customer <customer>', 'customer id')
    .option('--project <project>', 'project id (its customer is derived when known)')
    .option('--plan <plan>', "plan (else the customer's recorded plan)")
    .action(
      run<{ customer?: string; project?: string; plan?: string }>(async (client, [component], { customer, project, plan }) => {
        const answer = await client.resolve({ component: component!, customer, project, plan });
        return { answer, text: () => describeResolution(answer) };
      }),
    );
}
