import type { AuditEntry, Target } from '@vrouter/client';
import type { Command } from 'commander';
import { parseSince } from './duration.js';
import { describeTarget } from './format.js';
import { leaf, run } from './run.js';
import { formatTable } from './table.js';

const MAX_CHANGE = 100;
const NONE = '(none)';

type Fields = Record<string, unknown>;
const record = (value: unknown): Fields | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = (value: unknown): string | undefined => (Array.isArray(value) ? value.map(String).join(',') || NONE : undefined);
const cut = (line: string): string => (line.length > MAX_CHANGE ? `${line.slice(0, MAX_CHANGE - 1)}…` : line);

/** `channel beta` or `version v24`, with the expiry when there is one. */
function pinTarget(pin: Fields): string {
  const target = text(pin.channel) !== undefined ? `channel ${pin.channel}` : `version ${text(pin.version) ?? '?'}`;
  return text(pin.expiresAt) ? `${target} until ${pin.expiresAt}` : target;
}

function target(version: Fields): string {
  const t = record(version.target);
  return t ? describeTarget(t as unknown as Target) : '?';
}

/** The subject of an entry as a person reads it: `customer/acme` for a pin, else the record's name. */
function label(entry: AuditEntry, before: Fields | undefined, after: Fields | undefined): string {
  const scope = text(entry.scope) ?? text(after?.scope) ?? text(before?.scope);
  const subject = text(entry.subject) ?? '';
  return scope && !subject.startsWith(`${scope}/`) ? `${scope}/${subject}` : subject;
}

/**
 * `before → after` in the words of the action: `channel stable: v1 → v2`, `pin customer/acme: channel beta →
 * (deleted)`, `version v4: (none) → lambda svc:3`. Unknown actions fall back to compact JSON. One line, at most
 * MAX_CHANGE characters.
 */
export function describeChange(entry: AuditEntry): string {
  const before = record(entry.before);
  const after = record(entry.after);
  const either = <T>(show: (value: Fields) => T, gone = '(deleted)'): [T | string, T | string] => [before ? show(before) : NONE, after ? show(after) : gone];
  const arrow = (what: string, [from, to]: [unknown, unknown]) => `${what}: ${from} → ${to}`;
  let line: string;
  switch (entry.action) {
    case 'channel.set':
    case 'channel.promote':
    case 'channel.rollback':
      line = arrow(
        `channel ${text(after?.channel) ?? entry.subject ?? '?'}`,
        either((p) => text(p.version) ?? '?'),
      );
      break;
    case 'pin.set':
    case 'pin.delete':
      line = arrow(`pin ${label(entry, before, after)}`, either(pinTarget));
      break;
    case 'version.put':
    case 'version.delete':
      line = arrow(`version ${entry.subject ?? text(after?.name) ?? text(before?.name) ?? '?'}`, either(target));
      break;
    case 'component.put':
    case 'component.delete':
      line = arrow(
        `component ${entry.component ?? '?'}`,
        either((c) => `subscribes ${list(c.subscriptions) ?? NONE}`),
      );
      break;
    case 'shadow.set':
    case 'shadow.delete':
      line = arrow(
        'shadow',
        either((s) => `${text(s.version) ?? '?'} at ${s.percent ?? '?'}%`),
      );
      break;
    case 'customer.put':
      line = arrow(
        `customer ${entry.subject ?? '?'}`,
        either((c) => `plan ${text(c.plan) ?? NONE}`),
      );
      break;
    case 'project.put':
      line = arrow(
        `project ${entry.subject ?? '?'}`,
        either((p) => `customer ${text(p.customer) ?? '?'}`),
      );
      break;
    case 'token.create':
    case 'token.revoke':
      line = arrow(
        `token ${entry.subject ?? '?'}`,
        either((t) => list(t.scopes) ?? '?', '(revoked)'),
      );
      break;
    default: {
      const compact = (value: unknown): string => (value === undefined || value === null ? NONE : JSON.stringify(value));
      line = `${compact(entry.before)} → ${compact(entry.after)}`;
    }
  }
  return cut(entry.forced === true ? `${line} (forced)` : line);
}

/** `vrouter audit [--component --subject --since]`. */
export function registerAudit(program: Command): void {
  leaf(program, 'audit', 'List configuration changes (newest first) with actor, time, what changed from what to what, and why.')
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
                  ['TIME', 'ACTOR', 'ACTION', 'COMPONENT', 'CHANGE', 'REASON'],
                  answer.entries.map((e) => [e.at, e.actor, e.action, e.component, describeChange(e), e.reason]),
                ),
        };
      }),
    );
}
