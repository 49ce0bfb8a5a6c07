import type { ServerResponse } from 'node:http';

/** The content type of the awsJson1_1 protocol, which ECS speaks both ways. */
export const AMZ_JSON_1_1 = 'application/x-amz-json-1.1';
/** `X-Amz-Target` is `<service>.<operation>`; this is ECS's service name in it. */
export const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

/** An ECS API error, thrown inside request handling and answered by `writeEcsError`. */
export class EcsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** Modelled members of the exception besides `message`, e.g. ConflictException's `resourceIds`. */
    readonly members: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function writeEcsJson(res: ServerResponse, requestId: string, status: number, document: unknown): void {
  const body = JSON.stringify(document);
  res.writeHead(status, {
    'content-type': AMZ_JSON_1_1,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}

/**
 * Writes an error the way ECS does, so the SDK raises the modelled exception class. For awsJson1_1 the SDK
 * takes the name from the body's `__type` first (then `code`, then the `x-amzn-ErrorType` header), keeping
 * what follows a `#` and dropping what follows a `:`; the message from `message` (or `Message`); `$fault`
 * from the exception's model, or from the status (>= 500: server) for names it does not know, such as
 * ThrottlingException. The header is sent too, so clients reading only that one agree.
 */
export function writeEcsError(res: ServerResponse, requestId: string, error: EcsApiError): void {
  const body = JSON.stringify({ __type: error.type, message: error.message, ...error.members });
  res.writeHead(error.status, {
    'content-type': AMZ_JSON_1_1,
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': error.type,
  });
  res.end(body);
}
