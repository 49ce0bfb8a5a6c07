import type { AuditEntry } from '@vrouter/core';

/** The change notifications go out for: what changes where events go. */
export const NOTIFIED_ACTIONS = /^(pin|channel|version|shadow|rollout)\./;

const code = (value: unknown) => `\`${String(value)}\``;

function target(value: unknown): string {
  const record = (value ?? {}) as { channel?: string; version?: string };
  if (record.channel) return `channel ${code(record.channel)}`;
  if (record.version) return `version ${code(record.version)}`;
  return 'nothing';
}

/** One line a person reads in Slack (mrkdwn) or any chat: who did what to which component, and why. */
export function describeChange(entry: AuditEntry): string {
  const who = `*${entry.actor}*`;
  const where = entry.component ? ` of ${code(entry.component)}` : '';
  const scope = (entry as AuditEntry & { scope?: string }).scope;
  const after = entry.after as Record<string, unknown> | null;
  const before = entry.before as Record<string, unknown> | null;
  let what: string;
  switch (entry.action) {
    case 'pin.set':
      what = `pinned ${scope ?? ''} ${code(entry.subject)}${where} to ${target(after)}${after?.expiresAt ? ` until ${after.expiresAt}` : ''}`;
      break;
    case 'pin.delete':
      what = `unpinned ${scope ?? ''} ${code(entry.subject)}${where} (was ${target(before)})`;
      break;
    case 'channel.set':
    case 'channel.promote':
    case 'channel.rollback': {
      const verb = entry.action === 'channel.rollback' ? 'rolled back' : entry.action === 'channel.promote' ? 'promoted' : 'moved';
      what = `${verb} ${code(entry.subject)}${where} from ${code(before?.version ?? 'nothing')} to ${code(after?.version)}`;
      break;
    }
    case 'version.put':
      what = `${before ? 'updated' : 'registered'} version ${code(entry.subject)}${where}`;
      break;
    case 'version.delete':
      what = `deleted version ${code(entry.subject)}${where}`;
      break;
    case 'shadow.set':
      what = `mirrors ${(after as { percent?: number })?.percent}% of${where} live events to ${code((after as { version?: string })?.version)}`;
      break;
    case 'shadow.delete':
      what = `stopped mirroring${where} to ${code(entry.subject)}`;
      break;
    case 'rollout.start':
    case 'rollout.advance':
    case 'rollout.pause':
    case 'rollout.resume':
    case 'rollout.promote':
    case 'rollout.abort':
    case 'rollout.complete': {
      const state = after as { percent?: number; dryRun?: boolean } | null;
      const verb = {
        start: 'started a rollout of',
        advance: 'advanced the rollout of',
        pause: 'paused the rollout of',
        resume: 'resumed the rollout of',
        promote: 'promoted',
        abort: 'aborted the rollout of',
        complete: 'completed the rollout of',
      }[entry.action.slice('rollout.'.length)];
      what = `${state?.dryRun ? '(dry run) ' : ''}${verb} ${code(entry.subject)}${where}, now at ${state?.percent ?? 0}%`;
      break;
    }
    default:
      what = `${entry.action}${where} ${entry.subject ? code(entry.subject) : ''}`;
  }
  const forced = entry.forced ? ' (forced past a safety check)' : '';
  const reason = entry.reason ? `: ${entry.reason}` : '';
  return `${who} ${what.replace(/\s+/g, ' ').trim()}${forced}${reason}`;
}

/** A webhook body: `text` renders in a Slack incoming webhook; `changes` carries the audit entries for machines. */
export function webhookBody(entries: AuditEntry[]): { text: string; changes: AuditEntry[] } {
  const bulk = entries.length > 1 ? `${entries.length} changes (bulk ${entries[0]?.bulkId ?? ''}):\n` : '';
  const lines = entries.slice(0, 20).map((e) => `• ${describeChange(e)}`);
  const more = entries.length > 20 ? `\n…and ${entries.length - 20} more` : '';
  return { text: entries.length === 1 ? describeChange(entries[0]!) : `${bulk}${lines.join('\n')}${more}`, changes: entries };
}
