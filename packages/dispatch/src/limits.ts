import type { DispatchLimits, LambdaInvocationType } from '@vrouter/core';

const KIB = 1024;

/** How long a call may take when neither the target nor the dispatcher's options say (VROUTER_DISPATCH_TIMEOUT_MS's default). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Lambda's invocation payload limits: asynchronous (Event) and synchronous (RequestResponse). */
export const LAMBDA_PAYLOAD_LIMITS: Record<LambdaInvocationType, number> = { Event: 256 * KIB, RequestResponse: 6 * KIB * KIB };

/** The limits of a target no configured dispatcher handles: its dispatch fails at once, so nothing bounds it. */
export const UNSUPPORTED_LIMITS: DispatchLimits = { timeoutMs: DEFAULT_TIMEOUT_MS };

/** Checks a dispatcher's `timeoutMs` option; throws RangeError for one that is not a positive integer. */
export function timeoutOption(timeoutMs: number | undefined): number {
  const value = timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`timeoutMs must be a positive integer, got ${value}.`);
  return value;
}
