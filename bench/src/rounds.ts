/** Interleaved rounds: what is measured against what in the same round, summarised as a median and its spread. */

export interface Ratio {
  median: number;
  min: number;
  max: number;
  rounds: number;
}

export function ratioOf(values: number[]): Ratio {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, rounds: sorted.length };
}

/** The same items, starting at a different one each round, so no engine always runs first (or last). */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export const formatRatio = (r: Ratio): string => `${r.median.toFixed(2)}x [${r.min.toFixed(2)}–${r.max.toFixed(2)}]`;
