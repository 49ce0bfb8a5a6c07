import type { DispatchOutcome } from '@vrouter/core';

// Throttling exceptions across AWS services; Lambda itself answers TooManyRequestsException (429).
const THROTTLING = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ThrottledException', 'RequestLimitExceeded']);
// The SDK's own timeouts and the socket errors Node reports when a connection fails or drops.
const TRANSIENT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN']);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  errors?: unknown;
  cause?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/**
 * The Node errno code of a connection failure, looking inside the AggregateError that Node 20 raises when it
 * tries several addresses (e.g. `localhost` → ::1 and 127.0.0.1) and into `cause` (where fetch puts it).
 * Undefined when the error is not a connection failure.
 */
export function networkErrorCode(error: unknown, depth = 0): string | undefined {
  const e = shape(error);
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (depth > 3) return undefined;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const code = networkErrorCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return e.cause === undefined ? undefined : networkErrorCode(e.cause, depth + 1);
}

/** The error's message, or the joined messages of an AggregateError's parts; '' when there is none. */
export function errorMessage(error: unknown): string {
  const e = shape(error);
  if (typeof e.message === 'string' && e.message !== '') return e.message;
  // AggregateError's own message is empty; its parts say what happened.
  if (Array.isArray(e.errors))
    return e.errors
      .map(errorMessage)
      .filter((m) => m !== '')
      .join('; ');
  return typeof error === 'string' ? error : '';
}

/** Whether trying the same call again could succeed: throttling, server faults, timeouts and network failures. */
export function isRetryableError(error: unknown): boolean {
  const e = shape(error);
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false) return true;
  if (typeof e.name === 'string' && (THROTTLING.has(e.name) || TRANSIENT_NAMES.has(e.name))) return true;
  if (status === 429 || (status !== undefined && status >= 500) || e.$fault === 'server') return true;
  return networkErrorCode(error) !== undefined;
}

/**
 * Maps what an SDK call threw to a failed outcome. The code is the exception name (e.g. ResourceNotFoundException),
 * or the errno code for a bare network error whose name says nothing (`Error`). Never throws.
 */
export function failureFromError(error: unknown): DispatchOutcome {
  const e = shape(error);
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
  const errno = networkErrorCode(error);
  const code = errno !== undefined && (name === 'Error' || name === 'AggregateError') ? errno : name;
  return { status: 'failed', error: { code, message: errorMessage(error) || code }, retryable: isRetryableError(error) };
}
