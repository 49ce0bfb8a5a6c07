/**
 * Version health: counts of terminal outcomes of live dispatches per (component, version), kept per minute so that
 * every router adds to the same figures and any window is a sum of minutes. Latency is kept as counts per bucket,
 * which add up across routers exactly; a quantile is then read off the merged buckets.
 */

/** Upper bounds (ms, inclusive) of the latency buckets; one more bucket holds everything slower than the last. */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000] as const;
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export const HEALTH_WINDOWS = { '5m': 5, '1h': 60, '24h': 1440 } as const;
export type HealthWindow = keyof typeof HEALTH_WINDOWS;
export const DEFAULT_HEALTH_WINDOW: HealthWindow = '1h';

export interface HealthCounts {
  dispatches: number;
  succeeded: number;
  failed: number;
  /** Dispatches per latency bucket; `latency.length === LATENCY_BUCKETS`. */
  latency: number[];
}

export const emptyCounts = (): HealthCounts => ({ dispatches: 0, succeeded: 0, failed: 0, latency: new Array<number>(LATENCY_BUCKETS).fill(0) });

export function latencyBucket(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) if (ms <= LATENCY_BOUNDS_MS[i]!) return i;
  return LATENCY_BOUNDS_MS.length;
}

/** Adds `more` into `into` (mutates and returns it). */
export function addCounts(into: HealthCounts, more: HealthCounts): HealthCounts {
  into.dispatches += more.dispatches;
  into.succeeded += more.succeeded;
  into.failed += more.failed;
  for (let i = 0; i < LATENCY_BUCKETS; i++) into.latency[i] = (into.latency[i] ?? 0) + (more.latency[i] ?? 0);
  return into;
}

/** Counts one terminal outcome. */
export function countOutcome(into: HealthCounts, ok: boolean, latencyMs: number): HealthCounts {
  into.dispatches += 1;
  if (ok) into.succeeded += 1;
  else into.failed += 1;
  const bucket = latencyBucket(latencyMs);
  into.latency[bucket] = (into.latency[bucket] ?? 0) + 1;
  return into;
}

/**
 * The `q`-quantile (0..1) of the latency, as the upper bound of the bucket it falls in (null without data; the
 * overflow bucket reports the last bound). Buckets overstate by at most one bucket's width, never understate.
 */
export function latencyQuantile(latency: readonly number[], q: number): number | null {
  const total = latency.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < latency.length; i++) {
    seen += latency[i] ?? 0;
    if (seen >= rank) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)]!;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
}

export const errorRate = (counts: Pick<HealthCounts, 'dispatches' | 'failed'>): number => (counts.dispatches === 0 ? 0 : counts.failed / counts.dispatches);

/** The minute a timestamp falls in, as `yyyy-mm-ddThh:mm` (UTC); minutes sort as strings. */
export const minuteOf = (at: number): string => new Date(at).toISOString().slice(0, 16);

/** The first minute of a window ending at `now` that spans `minutes` minutes, the current one included. */
export const windowStart = (now: number, minutes: number): string => minuteOf(now - (minutes - 1) * 60_000);

/** One version's health over a window, as the API answers it. */
export interface VersionHealth {
  version: string;
  channels: string[];
  dispatches: number;
  succeeded: number;
  failed: number;
  errorRate: number;
  latencyMs: { p50: number | null; p99: number | null };
  /** The window in equal steps, oldest first (what a sparkline draws); see healthSeries. */
  series: HealthPoint[];
}

/** One step of a version's health series: `at` is the step's first minute. */
export interface HealthPoint {
  at: string;
  dispatches: number;
  failed: number;
}

/** A series has at most this many points: a 24 h window is drawn in 24-minute steps, shorter ones per minute. */
export const HEALTH_SERIES_POINTS = 60;

/** Minutes per point of a window's series. */
export const seriesStepMinutes = (windowMinutes: number): number => Math.max(1, Math.ceil(windowMinutes / HEALTH_SERIES_POINTS));

/**
 * The series of a window ending at `now` from its per-minute counts: every step present (zeros where nothing
 * happened), so the series of every version of a component line up.
 */
export function healthSeries(minutes: ReadonlyMap<string, HealthCounts> | undefined, now: number, windowMinutes: number): HealthPoint[] {
  const step = seriesStepMinutes(windowMinutes);
  const points = Math.ceil(windowMinutes / step);
  const first = Date.parse(`${windowStart(now, points * step)}:00.000Z`);
  const series = Array.from({ length: points }, (_, i): HealthPoint => ({ at: new Date(first + i * step * 60_000).toISOString(), dispatches: 0, failed: 0 }));
  for (const [minute, counts] of minutes ?? []) {
    const index = Math.floor((Date.parse(`${minute}:00.000Z`) - first) / (step * 60_000));
    const point = series[index];
    if (!point) continue;
    point.dispatches += counts.dispatches;
    point.failed += counts.failed;
  }
  return series;
}

/** Per-version totals of per-minute counts (version → minute → counts). */
export function sumMinutes(byVersion: ReadonlyMap<string, ReadonlyMap<string, HealthCounts>>): Map<string, HealthCounts> {
  const totals = new Map<string, HealthCounts>();
  for (const [version, minutes] of byVersion) {
    const total = emptyCounts();
    for (const counts of minutes.values()) addCounts(total, counts);
    totals.set(version, total);
  }
  return totals;
}

export function summarize(version: string, channels: string[], counts: HealthCounts, series: HealthPoint[] = []): VersionHealth {
  return {
    version,
    channels,
    dispatches: counts.dispatches,
    succeeded: counts.succeeded,
    failed: counts.failed,
    errorRate: errorRate(counts),
    latencyMs: { p50: latencyQuantile(counts.latency, 0.5), p99: latencyQuantile(counts.latency, 0.99) },
    series,
  };
}

/** Counts to add for one (minute, component, version) from one router. */
export interface HealthIncrement {
  minute: string;
  component: string;
  version: string;
  counts: HealthCounts;
}

/** Per-minute health counters shared by every router. */
export interface HealthStore {
  /** Adds each increment atomically (no read-modify-write); `shard` spreads concurrent writers over keys. */
  add(increments: HealthIncrement[], shard: number): Promise<void>;
  /** Sums of the minutes from `fromMinute` to `toMinute` (inclusive) per version of `component`. */
  read(component: string, fromMinute: string, toMinute: string): Promise<Map<string, HealthCounts>>;
  /** The same minutes one by one: version → minute → counts. */
  readMinutes(component: string, fromMinute: string, toMinute: string): Promise<Map<string, Map<string, HealthCounts>>>;
}
