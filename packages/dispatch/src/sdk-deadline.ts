import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { DispatchOutcome } from '@vrouter/core';
import { TIMEOUT } from './fetch-errors.js';

/** Used when a request names no timeout: Lambda's own longest synchronous invocation (15 minutes). */
export const MAX_SDK_CALL_MS = 900_000;
/** How long to wait for a TCP connection to an AWS endpoint. */
export const SDK_CONNECTION_TIMEOUT_MS = 3_000;

/**
 * The HTTP handler for a dispatcher's SDK client: a connection timeout, and a socket timeout as a backstop for
 * the per-call abort signal (which is what bounds each call to its request's `timeoutMs`).
 */
export function sdkRequestHandler(): NodeHttpHandler {
  // throwOnRequestTimeout: otherwise the handler only logs a warning when the socket timeout passes.
  return new NodeHttpHandler({ connectionTimeout: SDK_CONNECTION_TIMEOUT_MS, requestTimeout: MAX_SDK_CALL_MS, throwOnRequestTimeout: true });
}

/** The abort signal that ends one SDK call after `timeoutMs` (default: MAX_SDK_CALL_MS). */
export function callDeadline(timeoutMs: number | undefined): { signal: AbortSignal; timeoutMs: number } {
  const ms = timeoutMs !== undefined && Number.isInteger(timeoutMs) && timeoutMs > 0 ? Math.min(timeoutMs, MAX_SDK_CALL_MS) : MAX_SDK_CALL_MS;
  return { signal: AbortSignal.timeout(ms), timeoutMs: ms };
}

/**
 * The call ran out of time: retryable, as for HTTP targets. The target may still have acted on it, so the retry
 * carries the same idempotency key (at-least-once).
 */
export function timeoutOutcome(timeoutMs: number, what: string): DispatchOutcome {
  return { status: 'failed', error: { code: TIMEOUT, message: `${what} did not answer within ${timeoutMs} ms.` }, retryable: true };
}
