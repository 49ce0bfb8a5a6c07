/** The extension attribute, `vrouter` metadata field and W3C baggage member that carry a chain context. */
const CONTEXT_ATTRIBUTE = 'vroutercontext';
const MAX_BAGGAGE_LENGTH = 8192;

type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

/**
 * What a target received: the delivery payload (with its `vrouter.context`), the request's headers (a `Headers` or a
 * plain object with `baggage`), the `baggage` header text itself, or an object holding `headers` and `body`.
 */
export type Received = string | HeaderBag | { vrouter?: { context?: string } } | { headers?: HeaderBag; body?: unknown };

function fromBaggage(header: string | string[] | null | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text || text.length > MAX_BAGGAGE_LENGTH) return undefined;
  for (const member of text.split(',')) {
    const pair = member.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq <= 0 || pair.slice(0, eq).trim() !== CONTEXT_ATTRIBUTE) continue;
    const raw = pair.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

function headerValue(headers: HeaderBag, name: string): string | string[] | null | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name);
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

/** The chain context in what a target received, if any. */
export function chainContextOf(received: Received | null | undefined): string | undefined {
  if (received === null || received === undefined) return undefined;
  if (typeof received === 'string') return fromBaggage(received);
  if (typeof received !== 'object') return undefined;
  const meta = (received as { vrouter?: { context?: unknown } }).vrouter;
  if (meta && typeof meta.context === 'string') return meta.context;
  const holder = received as { headers?: HeaderBag; body?: unknown };
  if (holder.headers || holder.body !== undefined) {
    const body = typeof holder.body === 'string' ? safeJson(holder.body) : holder.body;
    return chainContextOf(body as Received) ?? (holder.headers ? fromBaggage(headerValue(holder.headers, 'baggage')) : undefined);
  }
  return fromBaggage(headerValue(received as HeaderBag, 'baggage'));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Returns `next` (a CloudEvent to post to the router) carrying the chain context of a delivery the target received,
 * so the router routes it as the next hop of the same chain: the same versions, routing facts and override. Without
 * a context in `received`, `next` is returned as it is.
 */
export function continueChain<T extends Record<string, unknown>>(received: Received | null | undefined, next: T): T {
  const context = chainContextOf(received);
  return context === undefined ? next : { ...next, [CONTEXT_ATTRIBUTE]: context };
}
