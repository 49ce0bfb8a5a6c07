import type { ServerResponse } from 'node:http';

/** The content type of the awsJson1_0 protocol, which SQS speaks both ways. */
export const AMZ_JSON_1_0 = 'application/x-amz-json-1.0';
/** `X-Amz-Target` is `AmazonSQS.<Operation>`. */
export const SQS_TARGET_PREFIX = 'AmazonSQS.';

/**
 * The SQS errors this server answers: HTTP status and the awsQuery error code the service also reports in the
 * `x-amzn-query-error` header (SQS is "awsQueryCompatible"), as in the SDK's error model.
 */
const ERRORS: Record<string, { status: number; queryCode: string }> = {
  QueueDoesNotExist: { status: 400, queryCode: 'AWS.SimpleQueueService.NonExistentQueue' },
  QueueNameExists: { status: 400, queryCode: 'QueueAlreadyExists' },
  ReceiptHandleIsInvalid: { status: 404, queryCode: 'ReceiptHandleIsInvalid' },
  MessageNotInflight: { status: 400, queryCode: 'AWS.SimpleQueueService.MessageNotInflight' },
  InvalidAttributeName: { status: 400, queryCode: 'InvalidAttributeName' },
  InvalidAttributeValue: { status: 400, queryCode: 'InvalidAttributeValue' },
  InvalidMessageContents: { status: 400, queryCode: 'InvalidMessageContents' },
  EmptyBatchRequest: { status: 400, queryCode: 'AWS.SimpleQueueService.EmptyBatchRequest' },
  TooManyEntriesInBatchRequest: { status: 400, queryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' },
  BatchEntryIdsNotDistinct: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' },
  InvalidBatchEntryId: { status: 400, queryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId' },
  BatchRequestTooLong: { status: 400, queryCode: 'AWS.SimpleQueueService.BatchRequestTooLong' },
  UnsupportedOperation: { status: 400, queryCode: 'AWS.SimpleQueueService.UnsupportedOperation' },
  RequestThrottled: { status: 403, queryCode: 'RequestThrottled' },
  // Not in the SDK's model: the SDK raises SQSServiceException with this name.
  InvalidParameterValue: { status: 400, queryCode: 'InvalidParameterValue' },
  MissingParameter: { status: 400, queryCode: 'MissingParameter' },
  InternalError: { status: 500, queryCode: 'InternalError' },
  ServiceUnavailable: { status: 503, queryCode: 'ServiceUnavailable' },
};

/** An SQS API error, thrown inside request handling and answered by `writeSqsError`. */
export class SqsApiError extends Error {
  readonly status: number;
  readonly queryCode: string;

  constructor(
    readonly type: string,
    message: string,
    status?: number,
  ) {
    super(message);
    const known = ERRORS[type];
    this.status = status ?? known?.status ?? 400;
    this.queryCode = known?.queryCode ?? type;
  }
}

export function writeSqsJson(res: ServerResponse, requestId: string, document: unknown): void {
  const body = JSON.stringify(document);
  res.writeHead(200, {
    'content-type': AMZ_JSON_1_0,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

/**
 * Writes an error the way SQS does over JSON: `{"__type": "com.amazonaws.sqs#<Name>", "message": ...}` and the
 * `x-amzn-query-error: <query code>;Sender|Receiver` header. The SDK, being query-compatible, reads the code from
 * that header first (mapping e.g. AWS.SimpleQueueService.NonExistentQueue to QueueDoesNotExist), then `__type`.
 */
export function writeSqsError(res: ServerResponse, requestId: string, error: SqsApiError): void {
  const body = JSON.stringify({ __type: `com.amazonaws.sqs#${error.type}`, message: error.message });
  res.writeHead(error.status, {
    'content-type': AMZ_JSON_1_0,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    'x-amzn-query-error': `${error.queryCode};${error.status < 500 ? 'Sender' : 'Receiver'}`,
  });
  res.end(body);
}
