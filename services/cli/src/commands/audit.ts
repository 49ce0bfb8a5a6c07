import type { AuditEntry } from '@vrouter/client';
import type { Command } from 'commander';
import { parseSince } from './duration.js';
import { leaf, run } from './run.js';
import { formatTable } from './table.js';

const MAX_CHANGE = 100;
const compact = (value: unknown): string => (value === undefined || value === null ? '∅' : JSON.stringify(value));

/** `before → after` on one line, ∅ for nothing, cut at MAX_CHANGE characters. */
export function describeChange(entry: Pick<AuditEntry, 'before' | 'after'>): string {
  const text = `${compact(entry.before)} → ${compact(entry.after)}`;
  return text.length > MAX_CHANGE ? `${text.slice(0, MAX_CHANGE - 1)}…` : text;
}

/** `vrouter audit [--component --subject --since]`. */
export function registerAudit(program: Command): void {
  leaf(program, 'audit', 'List configuration changes (newest first) with actor, time, before and after.')
    .option('--component <component>', 'only changes to this component')
    .option('--subject <subject>', 'only changes about this subject (scope/subject for pins, a customer, project, version or token)')
    .option('--since <when>', 'only changes after: a duration ago (15m, 1d) or an RFC 3339 time')
    .action(
      run<{ component?: string; subject?: string; since?: string }>(async (client, _args, { component, subject, since }) => {
        const answer = await client.audit.list({ component, subject, since: since === undefined ? undefined : parseSince(since) });
        return {
          answer,
          text: () =>
            answer.entries.length === 0
              ? 'no changes'
              : formatTable(
                  ['TIME', 'ACTOR', 'ACTION', 'COMPONENT', 'SUBJECT', 'REASON', 'CHANGE'],
                  answer.entries.map((e) => [e.at, e.actor, e.action, e.component, e.subject, e.reason, describeChange(e)]),
                ),
        };
      }),
    );
}
