import { VrouterError } from '@vrouter/core';
import type { EventBridgeEvent, EventBridgePaths } from '../bus/eventbridge.js';
import { type BusLogger, decodeValue, ingestDecoded, isOutcome, logOutcome, type MessageOutcome } from '../bus/messages.js';
import type { IngestResult } from '@vrouter/engine';
import { consoleLogger } from '../console-logger.js';
import { containerRuntime } from './runtime.js';
import type { HandlerRuntime, LambdaContext } from './types.js';

export interface EventBridgeHandlerOptions {
  /** Where the routing attributes are in the envelope; default detail.customerId, detail.projectId, detail.plan. */
  paths?: EventBridgePaths;
  /** Default: the runtime's logger. */
  logger?: BusLogger;
}

/** What the handler answers for a routed event: its result, with each dispatch's recorded status. */
export type EventBridgeHandlerResult = Omit<IngestResult, 'error'>;

export type EventBridgeHandler = (event: EventBridgeEvent, context?: LambdaContext) => Promise<EventBridgeHandlerResult>;

/**
 * A Lambda handler for an EventBridge rule target: maps the envelope to a CloudEvent (see eventBridgeToCloudEvent)
 * and ingests it through the same core as POST /v1/events, on `runtime`'s store and dispatchers.
 * Answers once the event's dispatches are finished and recorded (the container may be frozen right after), with
 * status `accepted` or `duplicate` (an event EventBridge delivered again). Throws the VrouterError otherwise, so
 * that the event is not lost: Lambda's asynchronous invocation retries it, then hands it to the function's
 * on-failure destination or dead-letter queue. A retry helps only with a retryable error (VR_STORE_UNAVAILABLE...);
 * a poison event (VR_CUSTOMER_REQUIRED, VR_EVENT_INVALID...) is logged with its reason and fails every attempt.
 */
export function createEventBridgeHandler(runtime: HandlerRuntime, options: EventBridgeHandlerOptions = {}): EventBridgeHandler {
  const logger = options.logger ?? runtime.logger ?? consoleLogger('info');
  return async (event, context) => {
    const decoded = decodeValue(event, options.paths ? { paths: options.paths } : {});
    const outcome: MessageOutcome = isOutcome(decoded) ? decoded : await ingestDecoded(runtime.router, decoded);
    logOutcome(logger, outcome, isOutcome(decoded) ? undefined : decoded, { eventBridgeId: event?.id, ...(context?.awsRequestId ? { awsRequestId: context.awsRequestId } : {}) });
    const final = await outcome.settled;
    if (outcome.kind === 'done') {
      const { error: _error, ...result } = final ?? outcome.result;
      return result;
    }
    throw outcome.result?.error ?? new VrouterError(outcome.code, outcome.reason);
  };
}

let fromEnvironment: EventBridgeHandler | undefined;

/** The Lambda entry point (`dist/lambda/eventbridge.handler`): one runtime per container, made from the environment. */
export const handler: EventBridgeHandler = async (event, context) => {
  if (!fromEnvironment) {
    const { runtime, config } = await containerRuntime();
    fromEnvironment = createEventBridgeHandler(runtime, { paths: config.eventBridgePaths });
  }
  return fromEnvironment(event, context);
};
