import { AddressPolicy, type DispatchLimits, type Dispatcher, type DispatchOutcome, type DispatchRequest, describeRefusal, type Target } from '@vrouter/core';
import { Agent, fetch, type Response } from 'undici';
import { UNSUPPORTED_LIMITS } from './limits.js';
import { failureFromFetchError } from './fetch-errors.js';
import { guardedLookup, type HostResolver, TARGET_ADDRESS_FORBIDDEN } from './guarded-lookup.js';
import { readBodyPrefix } from './http-body.js';
import { dispatchHeaders } from './http-headers.js';
import { parseRetryAfter } from './retry-after.js';
import { failureFromError } from './sdk-errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, truncateText } from './truncate.js';
import { unsupportedTarget } from './unsupported.js';

/** How long a target may take to answer when it sets no `timeoutMs`. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

export interface HttpDispatcherOptions {
  /** Cut response bodies kept in the outcome to this many UTF-8 bytes; default 4096. */
  maxResponseBytes?: number;
  /** Which addresses targets may reach (VROUTER_HTTP_TARGET_ALLOW); default: https to public addresses only. */
  addressPolicy?: AddressPolicy;
  /** Resolves target host names; default: the system resolver. Every address it returns is checked. */
  resolve?: HostResolver;
}

/** Statuses worth another try: the target was busy, slow or broken, not the request wrong. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function forbiddenTarget(message: string): DispatchOutcome {
  return { status: 'failed', error: { code: TARGET_ADDRESS_FORBIDDEN, message }, retryable: false };
}

function invalidTarget(message: string): DispatchOutcome {
  return { status: 'failed', error: { code: 'VR_INVALID_TARGET', message }, retryable: false };
}

/**
 * Dispatches to an HTTP endpoint: POSTs the payload (the structured-mode CloudEvent with its `vrouter` metadata) as
 * `application/json` (see DELIVERY_MEDIA_TYPE), with the headers of `dispatchHeaders` (Idempotency-Key, traceparent,
 * X-Vrouter-*).
 * Outcomes:
 * - 2xx → `succeeded`, with the first `maxResponseBytes` of the body (cut short if the body fails midway: the status
 *   already said the target took the event);
 * - 408, 429, 5xx → `failed` HTTP_<status>, retryable, with `retryAfterMs` from Retry-After on a 429 or 503;
 * - 3xx → `failed` HTTP_<status>, not retryable: redirects are never followed, since a router must only reach the
 *   URL registered for the version, not wherever that URL points it to;
 * - other statuses → `failed` HTTP_<status>, not retryable;
 * - no answer within `target.timeoutMs` (else the request's `timeoutMs`, else 10 s) → TIMEOUT, retryable; network errors → their errno code,
 *   retryable (see failureFromFetchError).
 * - a URL or a resolved address the address policy refuses → VR_TARGET_ADDRESS_FORBIDDEN, not retryable, and
 *   nothing is sent: the registration check saw the URL, this check sees the addresses connected to.
 * Error messages never contain the URL, which may carry credentials in its query. `dispatch` never throws; targets of
 * another kind fail with VR_TARGET_UNSUPPORTED.
 */
export class HttpDispatcher implements Dispatcher {
  readonly #maxResponseBytes: number;
  readonly #policy: AddressPolicy;
  readonly #agent: Agent;

  /** Throws RangeError for a negative or fractional maxResponseBytes. */
  constructor(options: HttpDispatcherOptions = {}) {
    const max = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`maxResponseBytes must be a non-negative integer, got ${max}.`);
    this.#maxResponseBytes = max;
    this.#policy = options.addressPolicy ?? new AddressPolicy();
    this.#agent = new Agent({ connect: { lookup: guardedLookup(this.#policy, options.resolve) } });
  }

  /** Closes pooled connections to targets. */
  close(): Promise<void> {
    return this.#agent.close();
  }

  /** An HTTP target sets its own timeout (`target.timeoutMs`, default 10 s); the router knows of no payload limit. */
  limits(target: Target): DispatchLimits {
    if (target.kind !== 'http') return UNSUPPORTED_LIMITS;
    return { timeoutMs: target.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS };
  }

  async dispatch(request: DispatchRequest): Promise<DispatchOutcome> {
    const { target } = request;
    if (target.kind !== 'http') return unsupportedTarget(target.kind);
    // Targets are validated when registered; these checks keep stale or hand-written data from throwing below.
    const url = URL.canParse(target.url) ? new URL(target.url) : undefined;
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return invalidTarget('target.url is not an http(s) URL.');
    // Literal addresses never reach the lookup: they are checked here, and names at connect time.
    const refusal = this.#policy.urlAllowed(url);
    if (refusal) return forbiddenTarget(`The target URL is refused: ${describeRefusal(refusal)}; nothing was sent.`);
    const timeoutMs = target.timeoutMs ?? request.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return invalidTarget(`target.timeoutMs must be a positive integer, got ${timeoutMs}.`);
    let body: string;
    try {
      body = JSON.stringify(request.payload);
    } catch (error) {
      return failureFromError(error);
    }

    // One signal for the whole exchange: it also bounds reading the body.
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: dispatchHeaders(request), body, redirect: 'manual', signal, dispatcher: this.#agent });
    } catch (error) {
      return failureFromFetchError(error, timeoutMs);
    }
    return this.#outcome(response);
  }

  async #outcome(response: Response): Promise<DispatchOutcome> {
    const { status } = response;
    const text = await readBodyPrefix(response.body, this.#maxResponseBytes);
    if (status >= 200 && status < 300) return { status: 'succeeded', response: text };

    const code = `HTTP_${status}`;
    const outcome: DispatchOutcome = { status: 'failed', error: { code, message: this.#describe(response) }, retryable: isRetryableStatus(status) };
    if (text !== '') outcome.response = text;
    if (status === 429 || status === 503) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
    }
    return outcome;
  }

  #describe(response: Response): string {
    const statusText = response.statusText === '' ? '' : ` ${response.statusText}`;
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      const where = location === null ? '' : ` to ${truncateText(location, 512)}`;
      return `The target answered ${response.status}${statusText}, redirecting${where}; redirects are not followed.`;
    }
    return `The target answered ${response.status}${statusText}.`;
  }
}
