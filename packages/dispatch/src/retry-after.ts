/**
 * Parses an HTTP `Retry-After` value, delay-seconds (`120`) or an HTTP-date, into milliseconds from `now`.
 * Returns undefined when the header is absent or malformed; never a negative number (a date in the past is 0).
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  // Date.parse also takes forms HTTP does not, such as bare numbers with signs; those fail the digit test above, and a
  // date must at least name a weekday or month to count.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
