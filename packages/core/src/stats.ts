/** Small statistics the rollout gate needs; pure and dependency-free. */

/**
 * The standard normal quantile (inverse CDF) for 0 < p < 1, by Acklam's rational approximation
 * (relative error below 1.2e-9, ample for choosing a z threshold).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * A confidence interval for p1 − p2 (failure rates) at two-sided level `confidence`, by Agresti and Caffo: add one
 * failure and one success to each sample, then the Wald interval. Unlike the raw Wald interval it behaves with zero
 * failures and small samples (it never claims certainty from 0 of 10).
 */
export function differenceInterval(failed1: number, n1: number, failed2: number, n2: number, confidence: number): { low: number; high: number; estimate: number; z: number } {
  const p1 = (failed1 + 1) / (n1 + 2);
  const p2 = (failed2 + 1) / (n2 + 2);
  const se = Math.sqrt((p1 * (1 - p1)) / (n1 + 2) + (p2 * (1 - p2)) / (n2 + 2));
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const estimate = p1 - p2;
  return { low: estimate - z * se, high: estimate + z * se, estimate, z };
}

/**
 * How many consecutive successes make us `confidence` sure that the true failure rate is below `targetErrorRate`:
 * the n with (1 − p)^n ≤ 1 − confidence, i.e. n = ln(1 − confidence) / ln(1 − p), rounded up.
 * (99.9% sure to have seen a 1-in-10,000 failure: 69,075.)
 */
export function successesForConfidence(targetErrorRate: number, confidence: number): number {
  return Math.ceil(Math.log(1 - confidence) / Math.log(1 - targetErrorRate));
}
