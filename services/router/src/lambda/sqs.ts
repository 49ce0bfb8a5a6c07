import type { EventBridgePaths } from '../bus/eventbridge.js';
import { type BusLogger, logOutcome, processMessage } from '../bus/messages.js';
import { consoleLogger } from '../console-logger.js';
import { containerRuntime } from './runtime.js';
import type { HandlerRuntime, LambdaContext, SqsBatchResponse, SqsEvent } from './types.js';

export interface SqsHandlerOptions {
  /** Where the routing attributes are in an EventBridge envelope delivered through SQS. */
  paths?: EventBridgePaths;
  /** Largest message body accepted; a larger one is poison. Default 256 KiB. */
  maxMessageBytes?: number;
  /** Default: the runtime's logger. */
  logger?: BusLogger;
}

export type SqsHandler = (event: SqsEvent, context?: LambdaContext) => Promise<SqsBatchResponse>;

/**
 * A Lambda handler for an SQS event source mapping with `FunctionResponseTypes: ["ReportBatchItemFailures"]`. Each
 * message body is a structured CloudEvent or an EventBridge envelope (it has `detail-type`); each is ingested on its
 * own through the same core as POST /v1/events, so one message never holds up or fails another. Answers once every
 * won dispatch is finished and recorded, with the partial batch response:
 * - accepted, or duplicate (a redelivered message, by its idempotency key): success, SQS deletes it. A dispatch that
 *   fails after acceptance is recorded as failed by the router and is replayable: still a success here;
 * - a failure a retry could help (store unavailable, throttling): in batchItemFailures, delivered again;
 * - poison (not JSON, neither a CloudEvent nor an EventBridge envelope, refused by validation, over the size
 *   limit): logged once with its reason and ALSO in batchItemFailures, so the queue's redrive policy moves it to the
 *   dead-letter queue after maxReceiveCount. Nothing is dropped silently.
 */
export function createSqsHandler(runtime: HandlerRuntime, options: SqsHandlerOptions = {}): SqsHandler {
  const logger = options.logger ?? runtime.logger ?? consoleLogger('info');
  return async (event) => {
    const records = event.Records ?? [];
    const processed = await Promise.all(
      records.map(async (record) => {
        const traceparent = record.messageAttributes?.traceparent?.stringValue;
        const context = record.messageAttributes?.vroutercontext?.stringValue;
        const { outcome, decoded } = await processMessage(runtime.router, record.body ?? '', {
          ...(context ? { context } : {}),
          ...(options.paths ? { paths: options.paths } : {}),
          ...(options.maxMessageBytes === undefined ? {} : { maxBytes: options.maxMessageBytes }),
          ...(traceparent ? { traceparent } : {}),
        });
        logOutcome(logger, outcome, decoded, {
          messageId: record.messageId,
          receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0),
          queue: record.eventSourceARN,
        });
        return { messageId: record.messageId, outcome };
      }),
    );
    // The container may be frozen once this answers: every dispatch must be finished and recorded first.
    await Promise.all(processed.map(({ outcome }) => outcome.settled));
    return { batchItemFailures: processed.filter(({ outcome }) => outcome.kind !== 'done').map(({ messageId }) => ({ itemIdentifier: messageId })) };
  };
}

let fromEnvironment: SqsHandler | undefined;

/** The Lambda entry point (`dist/lambda/sqs.handler`): one runtime per container, made from the environment. */
export const handler: SqsHandler = async (event, context) => {
  if (!fromEnvironment) {
    const { runtime, config } = await containerRuntime();
    fromEnvironment = createSqsHandler(runtime, { paths: config.eventBridgePaths, maxMessageBytes: config.maxBodyBytes });
  }
  return fromEnvironment(event, context);
};
