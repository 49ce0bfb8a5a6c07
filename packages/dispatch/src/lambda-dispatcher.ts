import { type InvocationResponse, InvokeCommand, type InvokeCommandInput, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { type DispatchLimits, type Dispatcher, type DispatchOutcome, type DispatchRequest, isRecord, type LambdaTarget, type Target } from '@vrouter/core';
import { LAMBDA_PAYLOAD_LIMITS, timeoutOption, UNSUPPORTED_LIMITS } from './limits.js';
import { callDeadline, sdkRequestHandler, timeoutOutcome } from './sdk-deadline.js';
import { failureFromError } from './sdk-errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES, truncateText, truncateUtf8 } from './truncate.js';
import { unsupportedTarget } from './unsupported.js';

export interface LambdaDispatcherOptions {
  /** A client to use (and keep owning); otherwise one is built from `clientConfig`. */
  client?: LambdaClient;
  clientConfig?: LambdaClientConfig;
  /** Cut responses and error messages kept in the outcome to this many UTF-8 bytes; default 4096. */
  maxResponseBytes?: number;
  /** How long the router gives one invocation (Lambda sets no limit of its own below the function's); default 30 s. */
  timeoutMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds the Invoke call; the trace context goes both on the payload and in ClientContext.custom. */
function invokeInput(target: LambdaTarget, request: DispatchRequest): InvokeCommandInput {
  const { traceparent } = request;
  const payload = traceparent === undefined ? request.payload : { ...request.payload, traceparent };
  const input: InvokeCommandInput = {
    FunctionName: target.functionName,
    Qualifier: target.qualifier,
    InvocationType: target.invocationType,
    Payload: encoder.encode(JSON.stringify(payload)),
  };
  // Lambda passes ClientContext to synchronous invocations only; for Event the payload copy is what arrives.
  if (traceparent !== undefined) input.ClientContext = Buffer.from(JSON.stringify({ custom: { traceparent } })).toString('base64');
  return input;
}

/**
 * Dispatches to AWS Lambda with Invoke. Outcomes: Event accepted (202) → `dispatched`; RequestResponse without
 * FunctionError → `succeeded` with the (truncated) response; a FunctionError → `failed`, not retryable; an SDK
 * exception or network error → `failed`, retryable for throttling, 5xx and network failures; no answer within the
 * request's `timeoutMs` (default and at most 15 minutes, Lambda's own limit) → TIMEOUT, retryable.
 * `dispatch` never throws; targets of another kind fail with VR_TARGET_UNSUPPORTED.
 */
export class LambdaDispatcher implements Dispatcher {
  readonly #client: LambdaClient;
  readonly #ownsClient: boolean;
  readonly #maxResponseBytes: number;
  readonly #timeoutMs: number;

  /** Throws RangeError for a negative or fractional maxResponseBytes or a timeoutMs below 1, TypeError when both client and clientConfig are given. */
  constructor(options: LambdaDispatcherOptions = {}) {
    const max = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`maxResponseBytes must be a non-negative integer, got ${max}.`);
    if (options.client !== undefined && options.clientConfig !== undefined) {
      throw new TypeError('Give LambdaDispatcher either a client or a clientConfig, not both.');
    }
    this.#maxResponseBytes = max;
    this.#timeoutMs = timeoutOption(options.timeoutMs);
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new LambdaClient({ requestHandler: sdkRequestHandler(), ...options.clientConfig });
  }

  async dispatch(request: DispatchRequest): Promise<DispatchOutcome> {
    const { target } = request;
    if (target.kind !== 'lambda') return unsupportedTarget(target.kind);
    const deadline = callDeadline(request.timeoutMs);
    let output: InvocationResponse;
    try {
      output = await this.#client.send(new InvokeCommand(invokeInput(target, request)), { abortSignal: deadline.signal });
    } catch (error) {
      if (deadline.signal.aborted) return timeoutOutcome(deadline.timeoutMs, 'The function');
      return failureFromError(error);
    }
    return this.#outcome(target, output);
  }

  /** Lambda refuses payloads over 256 KiB for Event invocations and 6 MiB for RequestResponse. */
  limits(target: Target): DispatchLimits {
    if (target.kind !== 'lambda') return UNSUPPORTED_LIMITS;
    return { maxPayloadBytes: LAMBDA_PAYLOAD_LIMITS[target.invocationType], payloadLimitOf: `a ${target.invocationType} Lambda invocation`, timeoutMs: this.#timeoutMs };
  }

  /** Releases the sockets of a client this dispatcher built; a client passed in stays the caller's to destroy. */
  destroy(): void {
    if (this.#ownsClient) this.#client.destroy();
  }

  #outcome(target: LambdaTarget, output: InvocationResponse): DispatchOutcome {
    const payload = output.Payload ?? new Uint8Array();
    if (output.FunctionError !== undefined && output.FunctionError !== '') return this.#functionFailure(output.FunctionError, payload);
    const expected = target.invocationType === 'Event' ? 202 : 200;
    if (output.StatusCode !== expected) {
      return {
        status: 'failed',
        error: { code: 'VR_DISPATCH_FAILED', message: `Lambda answered ${target.invocationType} with status ${output.StatusCode}, expected ${expected}.` },
        retryable: false,
      };
    }
    if (target.invocationType === 'Event') return { status: 'dispatched' };
    return { status: 'succeeded', response: truncateUtf8(payload, this.#maxResponseBytes) };
  }

  /** The function ran and failed: Lambda still answers 200, so success must never be read from the status alone. */
  #functionFailure(functionError: string, payload: Uint8Array): DispatchOutcome {
    const text = decoder.decode(payload);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      document = undefined;
    }
    const errorType = isRecord(document) && typeof document.errorType === 'string' && document.errorType !== '' ? document.errorType : functionError;
    const errorMessage = isRecord(document) && typeof document.errorMessage === 'string' ? document.errorMessage : text;
    return {
      status: 'failed',
      error: {
        code: `FunctionError:${errorType}`,
        message: truncateText(errorMessage === '' ? `The function failed (${functionError}) without an error document.` : errorMessage, this.#maxResponseBytes),
      },
      response: truncateUtf8(payload, this.#maxResponseBytes),
      retryable: false,
    };
  }
}
