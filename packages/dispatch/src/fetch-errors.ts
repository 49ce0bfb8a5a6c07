import type { DispatchOutcome } from '@vrouter/core';
import { errorMessage, networkErrorCode } from './sdk-errors.js';

/** The code of a request the target did not answer in time. */
export const TIMEOUT = 'TIMEOUT';

// undici's own timeouts (connect, headers, body) can fire before our AbortSignal when a target allows long waits.
const UNDICI_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
// A TLS failure is a configuration problem (expired or wrong certificate): trying again will not fix it.
const TLS_CODE = /CERT|TLS|SSL/;

function fieldOf(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
}

function failed(code: string, message: string, retryable: boolean): DispatchOutcome {
  return { status: 'failed', error: { code, message }, retryable };
}

/**
 * Maps what `fetch` threw to a failed outcome. Never throws.
 * - our timeout (AbortSignal.timeout → TimeoutError) or an undici timeout → TIMEOUT, retryable;
 * - a connection failure → its errno code (ECONNREFUSED, ECONNRESET, ENOTFOUND, ...), retryable;
 * - a port fetch refuses to connect to (the Fetch standard's "bad ports", e.g. 6000 or 10080) → VR_BLOCKED_PORT, not retryable;
 * - a TLS failure → its code, not retryable; any other network failure → its code or NETWORK_ERROR, retryable;
 * - anything else (e.g. an invalid header value, a TypeError before any connection) → its name, not retryable.
 */
export function failureFromFetchError(error: unknown, timeoutMs: number): DispatchOutcome {
  const name = fieldOf(error, 'name');
  const cause = fieldOf(error, 'cause');
  const causeCode = fieldOf(cause, 'code');
  if (name === 'TimeoutError' || (typeof causeCode === 'string' && UNDICI_TIMEOUTS.has(causeCode))) {
    return failed(TIMEOUT, `The target did not answer within ${timeoutMs} ms.`, true);
  }
  if (causeCode === 'VR_TARGET_ADDRESS_FORBIDDEN') return failed(causeCode, errorMessage(cause), false);
  // fetch reports every network failure as TypeError "fetch failed" with the reason in `cause`.
  const message = [errorMessage(error), errorMessage(cause)].filter((m) => m !== '').join(': ');
  const errno = networkErrorCode(error);
  if (errno !== undefined) return failed(errno, message, true);
  if (name === 'TypeError' && errorMessage(error) === 'fetch failed') {
    if (errorMessage(cause) === 'bad port') return failed('VR_BLOCKED_PORT', `${message} (fetch never connects to this port)`, false);
    if (typeof causeCode === 'string') return failed(causeCode, message, !TLS_CODE.test(causeCode));
    return failed('NETWORK_ERROR', message, true);
  }
  return failed(typeof name === 'string' && name !== '' ? name : 'Error', message || 'fetch failed', false);
}
