/** W3C baggage allows 8,192 bytes in all; a longer header is not baggage we read. */
const MAX_BAGGAGE_LENGTH = 8192;

/**
 * The value of one member of a W3C `baggage` header (several headers, or comma-separated members), percent-decoded;
 * undefined when absent. Properties after `;` are ignored.
 */
export function baggageMember(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text === undefined || text.length === 0 || text.length > MAX_BAGGAGE_LENGTH) return undefined;
  for (const member of text.split(',')) {
    const [pair] = member.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (eq <= 0 || pair!.slice(0, eq).trim() !== name) continue;
    const raw = pair!.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}
