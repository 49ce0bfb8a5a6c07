import {
  ECSClient,
  type ECSClientConfig,
  type KeyValuePair,
  type NetworkConfiguration,
  RunTaskCommand,
  type RunTaskCommandInput,
  type RunTaskCommandOutput,
  type TaskOverride,
} from '@aws-sdk/client-ecs';
import type { DispatchLimits, Dispatcher, DispatchOutcome, DispatchRequest, EcsTarget, Target } from '@vrouter/core';
import { timeoutOption, UNSUPPORTED_LIMITS } from './limits.js';
import { ecsClientToken } from './ecs-client-token.js';
import { ecsErrorOutcome } from './ecs-errors.js';
import { ecsFailureOutcome } from './ecs-failures.js';
import { DEFAULT_MAX_INLINE_BYTES, deliveryEnvironment, type EcsPayloadReference, inlineEvent, overrideSize, referencedEvent, taskOverride } from './ecs-overrides.js';
import { callDeadline, sdkRequestHandler, timeoutOutcome } from './sdk-deadline.js';
import { failureFromError, isRetryableError } from './sdk-errors.js';
import { unsupportedTarget } from './unsupported.js';

/** Who started the tasks, as ECS shows it (`startedBy`, at most 128 characters). */
export const ECS_STARTED_BY = 'vrouter';

/** Stores an event somewhere a task can fetch it (e.g. a presigned object URL) and says where. */
export type EcsPayloadReferencer = (request: DispatchRequest) => Promise<EcsPayloadReference>;

export interface EcsDispatcherOptions {
  /** A client to use (and keep owning); otherwise one is built from `clientConfig`. */
  client?: ECSClient;
  clientConfig?: ECSClientConfig;
  /** Largest overrides JSON, in UTF-8 bytes, to send with the event inline; default 8192, ECS's own limit. */
  maxInlineBytes?: number;
  /**
   * Called for an event too large to pass inline. Without it such events fail with VR_PAYLOAD_TOO_LARGE. The token
   * ends up in the task's overrides, which DescribeTasks shows to anyone allowed to call it: make it short-lived.
   */
  payloadReference?: EcsPayloadReferencer;
  /** How long the router gives one RunTask call; default 30 s. */
  timeoutMs?: number;
}

function failed(code: string, message: string, retryable: boolean): DispatchOutcome {
  return { status: 'failed', error: { code, message }, retryable };
}

/** The overrides to send, or why there are none. */
type Prepared = { overrides: TaskOverride; failure?: undefined } | { failure: DispatchOutcome; overrides?: undefined };

function refuse(code: string, message: string, retryable: boolean): Prepared {
  return { failure: failed(code, message, retryable) };
}

function isReference(value: unknown): value is EcsPayloadReference {
  if (typeof value !== 'object' || value === null) return false;
  const { url, token } = value as Record<string, unknown>;
  return typeof url === 'string' && url !== '' && typeof token === 'string';
}

/**
 * Dispatches to ECS by starting one task with RunTask (an asynchronous handoff). The task gets, in the environment of
 * `target.containerName`: VROUTER_EVENT (the payload's JSON) or, when that would make the overrides larger than
 * `maxInlineBytes`, VROUTER_EVENT_URL and VROUTER_EVENT_TOKEN from `payloadReference`; and VROUTER_IDEMPOTENCY_KEY,
 * VROUTER_COMPONENT, VROUTER_VERSION, VROUTER_ATTEMPT and TRACEPARENT (when given).
 * The RunTask clientToken is the delivery's idempotency key (see ecsClientToken), so ECS starts at most one task per
 * delivery: a retry with the identical input gets the same task back, one with another input (a later attempt)
 * a ConflictException naming it, which is reported as `dispatched` too.
 * Outcomes: tasks and no failures → `dispatched`, response the task ARN(s) joined by commas; `failures` → failed
 * ECS_FAILURE:<reason> (see ecsFailureOutcome); too large without a reference → VR_PAYLOAD_TOO_LARGE; the reference
 * provider failing → VR_PAYLOAD_REFERENCE_FAILED; an exception → see ecsErrorOutcome. `dispatch` never throws;
 * targets of another kind fail with VR_TARGET_UNSUPPORTED.
 */
export class EcsDispatcher implements Dispatcher {
  readonly #client: ECSClient;
  readonly #ownsClient: boolean;
  readonly #maxInlineBytes: number;
  readonly #payloadReference: EcsPayloadReferencer | undefined;
  readonly #timeoutMs: number;

  /** Throws RangeError for a negative or fractional maxInlineBytes or a timeoutMs below 1, TypeError when both client and clientConfig are given. */
  constructor(options: EcsDispatcherOptions = {}) {
    const max = options.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`maxInlineBytes must be a non-negative integer, got ${max}.`);
    if (options.client !== undefined && options.clientConfig !== undefined) {
      throw new TypeError('Give EcsDispatcher either a client or a clientConfig, not both.');
    }
    this.#maxInlineBytes = max;
    this.#payloadReference = options.payloadReference;
    this.#timeoutMs = timeoutOption(options.timeoutMs);
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new ECSClient({ requestHandler: sdkRequestHandler(), ...options.clientConfig });
  }

  async dispatch(request: DispatchRequest): Promise<DispatchOutcome> {
    const { target } = request;
    if (target.kind !== 'ecs') return unsupportedTarget(target.kind);
    const prepared = await this.#overrides(target, request);
    if (prepared.failure !== undefined) return prepared.failure;
    const deadline = callDeadline(request.timeoutMs);
    let output: RunTaskCommandOutput;
    try {
      output = await this.#client.send(new RunTaskCommand(runTaskInput(target, request, prepared.overrides)), { abortSignal: deadline.signal });
    } catch (error) {
      if (deadline.signal.aborted) return timeoutOutcome(deadline.timeoutMs, 'ECS RunTask');
      return ecsErrorOutcome(error);
    }
    return outcome(output);
  }

  /** Inline, an event must fit the overrides (8 KiB); by reference (a payloadReference is configured), any size goes. */
  limits(target: Target): DispatchLimits {
    if (target.kind !== 'ecs') return UNSUPPORTED_LIMITS;
    if (this.#payloadReference !== undefined) return { timeoutMs: this.#timeoutMs };
    return {
      maxPayloadBytes: this.#maxInlineBytes,
      payloadLimitOf: `an ECS task, whose container overrides hold ${Math.floor(this.#maxInlineBytes / 1024)} KiB (set VROUTER_PUBLIC_URL to pass larger events by reference)`,
      timeoutMs: this.#timeoutMs,
    };
  }

  /** Releases the sockets of a client this dispatcher built; a client passed in stays the caller's to destroy. */
  destroy(): void {
    if (this.#ownsClient) this.#client.destroy();
  }

  /** The overrides with the event inline or, when too large, by reference; or the failed outcome when neither fits. */
  async #overrides(target: EcsTarget, request: DispatchRequest): Promise<Prepared> {
    let eventJson: string;
    try {
      eventJson = JSON.stringify(request.payload);
    } catch (error) {
      return { failure: failureFromError(error) };
    }
    const environment: KeyValuePair[] = deliveryEnvironment(request);
    const inline = taskOverride(target.containerName, [...inlineEvent(eventJson), ...environment]);
    const inlineSize = overrideSize(inline);
    if (inlineSize <= this.#maxInlineBytes) return { overrides: inline };
    const tooLarge = `The event makes the RunTask overrides ${inlineSize} bytes, over the ${this.#maxInlineBytes} that go inline`;
    if (this.#payloadReference === undefined) return refuse('VR_PAYLOAD_TOO_LARGE', `${tooLarge}, and no payload reference is configured.`, false);

    let reference: unknown;
    try {
      reference = await this.#payloadReference(request);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return refuse('VR_PAYLOAD_REFERENCE_FAILED', `Storing the event for the task failed: ${message}`, isRetryableError(error));
    }
    if (!isReference(reference)) return refuse('VR_PAYLOAD_REFERENCE_FAILED', 'The payload reference is not a { url, token } pair of strings.', false);
    const referenced = taskOverride(target.containerName, [...referencedEvent(reference), ...environment]);
    const referencedSize = overrideSize(referenced);
    if (referencedSize > this.#maxInlineBytes) {
      return refuse('VR_PAYLOAD_TOO_LARGE', `${tooLarge}, and by reference still ${referencedSize} bytes.`, false);
    }
    return { overrides: referenced };
  }
}

function runTaskInput(target: EcsTarget, request: DispatchRequest, overrides: TaskOverride): RunTaskCommandInput {
  const input: RunTaskCommandInput = {
    cluster: target.cluster,
    taskDefinition: target.taskDefinition,
    count: 1,
    clientToken: ecsClientToken(request.payload.vrouter.idempotencyKey),
    startedBy: ECS_STARTED_BY,
    overrides,
  };
  // Without a launch type ECS uses the cluster's default capacity provider strategy.
  if (target.launchType !== undefined) input.launchType = target.launchType;
  // Checked only to be an object when registered: ECS validates the content and answers InvalidParameterException.
  if (target.networkConfiguration !== undefined) input.networkConfiguration = target.networkConfiguration as NetworkConfiguration;
  return input;
}

function outcome(output: RunTaskCommandOutput): DispatchOutcome {
  const taskArns = (output.tasks ?? []).map((task) => task.taskArn).filter((arn): arn is string => typeof arn === 'string' && arn !== '');
  const failures = output.failures ?? [];
  if (failures.length > 0) return ecsFailureOutcome(failures, taskArns);
  if (taskArns.length === 0) return failed('VR_DISPATCH_FAILED', 'ECS RunTask answered neither a task nor a failure.', false);
  return { status: 'dispatched', response: taskArns.join(',') };
}
