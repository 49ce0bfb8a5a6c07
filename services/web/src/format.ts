/** "in 3h 12m", "2m ago": how long until (or since) an instant, as on-call people read it. */
export function relative(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const past = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  if (parts.length === 0) parts.push(`${s}s`);
  return past ? `${parts.join(' ')} ago` : `in ${parts.join(' ')}`;
}

export const percent = (rate: number | null | undefined): string => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(rate < 0.01 && rate > 0 ? 2 : 1)}%`);

export const isoMinutesAgo = (minutes: number, now = Date.now()): string => new Date(now - minutes * 60_000).toISOString();

/** A version whose recent error rate is this high, over enough dispatches, is shown as failing. */
export const FAILING_RATE = 0.05;
export const MIN_FOR_VERDICT = 5;

export function targetSummary(target: Record<string, unknown>): string {
  switch (target.kind) {
    case 'lambda':
      return `λ ${String(target.functionName)}:${String(target.qualifier ?? '$LATEST')}${target.invocationType === 'Event' ? ' (async)' : ''}`;
    case 'ecs':
      return `ECS ${String(target.taskDefinition)} on ${String(target.cluster)}`;
    case 'http':
      return `HTTP ${String(target.url)}`;
    default:
      return String(target.kind);
  }
}

/** Builds a trace link from a template such as `https://ui.honeycomb.io/team/environments/env/trace?trace_id={traceId}`. */
export function traceLink(template: string | undefined, traceId: string | undefined): string | undefined {
  if (!template || !traceId || !/^[0-9a-f]{32}$/.test(traceId)) return undefined;
  const url = template.replaceAll('{traceId}', traceId);
  return /^https?:\/\//.test(url) ? url : undefined;
}

/** The trace id of a W3C traceparent (`00-<trace>-<span>-<flags>`), if it is one. */
export function traceIdOf(traceparent: unknown): string | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const parts = traceparent.split('-');
  return parts.length === 4 && /^[0-9a-f]{32}$/.test(parts[1] ?? '') ? parts[1] : undefined;
}

/** "1 dispatch", "2 dispatches". */
export const dispatches = (n: number): string => `${n} ${n === 1 ? 'dispatch' : 'dispatches'}`;
