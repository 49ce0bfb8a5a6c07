import type { ServerResponse } from 'node:http';
import type { ApiErrorSpec } from './types.js';

/**
 * Writes an Invoke API error the way Lambda does, so the SDK's rest-json protocol raises the modelled
 * exception class: it takes the error name from the `x-amzn-ErrorType` header (ignoring any `:suffix`),
 * the message from `message` or `Message` in the JSON body, and `$fault` from the status (< 500: client).
 */
export function writeApiError(res: ServerResponse, requestId: string, error: ApiErrorSpec): void {
  const body = JSON.stringify({
    Type: error.statusCode < 500 ? 'User' : 'Service',
    message: error.message ?? error.errorType,
  });
  res.writeHead(error.statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-errortype': error.errorType,
    'x-amzn-requestid': requestId,
  });
  res.end(body);
}
