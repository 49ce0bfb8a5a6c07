/** How failed dispatches are retried: exponential backoff with full jitter, capped. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 };

/**
 * The wait before attempt `attempt + 1`, after `attempt` attempts failed: a random point in
 * [0, min(max, base * 2^(attempt-1))] ("full jitter", so routers retrying together spread out), but never less
 * than what the target asked for with Retry-After (capped at maxDelayMs too).
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs = 0, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.min(policy.maxDelayMs, Math.max(Math.floor(random() * ceiling), retryAfterMs));
}
