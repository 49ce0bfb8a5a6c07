import { UsageError } from './errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^(?:\d+[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Milliseconds in `30m`, `2h`, `7d`, `1w` or a sum such as `1h30m`; throws UsageError for anything else or zero. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) throw new UsageError(`${JSON.stringify(text)} is not a duration: use a number and a unit s, m, h, d or w, e.g. 30m, 2h, 7d.`);
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (total <= 0 || !Number.isSafeInteger(total)) throw new UsageError(`${JSON.stringify(text)} must be a positive duration.`);
  return total;
}

function parseInstant(text: string): number | undefined {
  if (!RFC3339.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/** Either a duration or an RFC 3339 instant; throws UsageError naming both forms. */
function instantOrDuration(text: string, now: Date, sign: 1 | -1): number {
  const instant = parseInstant(text);
  if (instant !== undefined) return instant;
  if (RFC3339.test(text.trim())) throw new UsageError(`${JSON.stringify(text)} is not a valid date.`);
  try {
    return now.getTime() + sign * parseDuration(text);
  } catch {
    throw new UsageError(`${JSON.stringify(text)} is neither a duration (30m, 2h, 7d) nor an RFC 3339 time (2026-01-31T12:00:00Z).`);
  }
}

/**
 * `--expires`: a duration from `now` (`2h`, `7d`, `30m`) or an RFC 3339 instant; returns RFC 3339 in UTC.
 * Throws UsageError when the text is neither, or names an instant that is not after `now`.
 */
export function parseExpiry(text: string, now: Date = new Date()): string {
  const at = instantOrDuration(text, now, 1);
  if (at <= now.getTime()) throw new UsageError(`--expires ${text} is in the past.`);
  return new Date(at).toISOString();
}

/** `--since`: a duration before `now` (`15m`, `1d`) or an RFC 3339 instant; returns RFC 3339 in UTC. Throws UsageError. */
export function parseSince(text: string, now: Date = new Date()): string {
  return new Date(instantOrDuration(text, now, -1)).toISOString();
}
