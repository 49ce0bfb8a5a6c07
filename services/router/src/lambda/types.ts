import type { EventRouter } from '@vrouter/engine';
import type { BusLogger } from '../bus/messages.js';

/** The Lambda event shapes the handlers read (no @types/aws-lambda dependency). */

/** What a handler needs of a runtime: the event router, and a logger unless the handler is given one. */
export interface HandlerRuntime {
  router: Pick<EventRouter, 'ingest'>;
  logger?: BusLogger;
}

/** A message attribute as Lambda's SQS event source hands it over (camel-cased, binary values base64). */
export interface SqsRecordMessageAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: string;
  stringListValues?: string[];
  binaryListValues?: string[];
}

/** One message of an SQS event: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: {
    ApproximateReceiveCount: string;
    SentTimestamp: string;
    SenderId?: string;
    ApproximateFirstReceiveTimestamp?: string;
    AWSTraceHeader?: string;
    MessageGroupId?: string;
    MessageDeduplicationId?: string;
    SequenceNumber?: string;
    DeadLetterQueueSourceArn?: string;
  };
  messageAttributes: Record<string, SqsRecordMessageAttribute>;
  md5OfBody: string;
  md5OfMessageAttributes?: string | null;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

/** The partial batch response (the event source mapping needs `FunctionResponseTypes: ["ReportBatchItemFailures"]`). */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** The part of the Lambda context object the handlers use. */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}
