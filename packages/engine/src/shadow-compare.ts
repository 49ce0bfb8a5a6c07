import { isDeepStrictEqual } from 'node:util';
import type { DispatchRecord } from '@vrouter/core';

/** Shadow versus primary over a set of paired dispatches; what `GET /v1/shadow/{component}` answers. */
export interface ShadowComparison {
  compared: number;
  primary: Record<string, number>;
  shadow: Record<string, number>;
  agreement: { bothSucceeded: number; bothFailed: number; shadowOnlyFailed: number; primaryOnlyFailed: number; undecided: number };
  responses: { compared: number; matched: number; differed: number };
  differences: { source: string; id: string; primary: Outcome; shadow: Outcome; why: string }[];
}

interface Outcome {
  version: string | null;
  status: DispatchRecord['status'] | null;
  error: string | null;
}

const MAX_DIFFERENCES = 20;

const outcome = (r: DispatchRecord | null): Outcome => ({
  version: r?.version ?? null,
  status: r?.status ?? null,
  error: r?.lastError ? `${r.lastError.code}: ${r.lastError.message}` : null,
});

/** Answers compare as JSON when both parse (key order does not matter), else as text. */
function sameAnswer(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return a === b;
  }
}

/** Pure: tallies outcomes and disagreements; keeps the first few differences as examples. */
export function compareShadow(pairs: { shadow: DispatchRecord; primary: DispatchRecord | null }[]): ShadowComparison {
  const result: ShadowComparison = {
    compared: pairs.length,
    primary: {},
    shadow: {},
    agreement: { bothSucceeded: 0, bothFailed: 0, shadowOnlyFailed: 0, primaryOnlyFailed: 0, undecided: 0 },
    responses: { compared: 0, matched: 0, differed: 0 },
    differences: [],
  };
  const differ = (shadow: DispatchRecord, primary: DispatchRecord | null, why: string) => {
    if (result.differences.length < MAX_DIFFERENCES) result.differences.push({ source: shadow.source, id: shadow.id, primary: outcome(primary), shadow: outcome(shadow), why });
  };
  for (const { shadow, primary } of pairs) {
    result.shadow[shadow.status] = (result.shadow[shadow.status] ?? 0) + 1;
    const primaryStatus = primary?.status ?? 'missing';
    result.primary[primaryStatus] = (result.primary[primaryStatus] ?? 0) + 1;
    const ok = (s: string) => s === 'succeeded' || s === 'dispatched';
    if (!primary || primary.status === 'pending' || shadow.status === 'pending') result.agreement.undecided += 1;
    else if (ok(primary.status) && ok(shadow.status)) result.agreement.bothSucceeded += 1;
    else if (!ok(primary.status) && !ok(shadow.status)) result.agreement.bothFailed += 1;
    else if (ok(primary.status)) {
      result.agreement.shadowOnlyFailed += 1;
      differ(shadow, primary, 'the shadow failed where the primary succeeded');
    } else {
      result.agreement.primaryOnlyFailed += 1;
      differ(shadow, primary, 'the shadow succeeded where the primary failed');
    }
    if (primary?.status === 'succeeded' && shadow.status === 'succeeded' && primary.response !== undefined && shadow.response !== undefined) {
      result.responses.compared += 1;
      if (sameAnswer(primary.response, shadow.response)) result.responses.matched += 1;
      else {
        result.responses.differed += 1;
        differ(shadow, primary, 'both succeeded with different answers');
      }
    }
  }
  return result;
}
