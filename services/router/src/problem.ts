import { isValidationError, validationProblem } from './validation.js';
import { ERROR_CODES, type ErrorCode, isVrouterError, STATUS_BY_CODE, VrouterError } from '@vrouter/core';

/** Status codes come from core's catalogue (STATUS_BY_CODE); re-exported so hosts need one import. */
export { STATUS_BY_CODE };

/** An RFC 9457 problem document with our stable code and, for validation, the offending field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  field?: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export function problemFor(error: VrouterError, instance?: string, requestId?: string): Problem {
  return {
    // Details first: one of theirs (e.g. a store's own `code`) must never replace the stable fields below.
    ...(error.details ?? {}),
    type: `urn:vrouter:error:${error.code}`,
    title: ERROR_CODES[error.code],
    status: STATUS_BY_CODE[error.code],
    detail: error.message,
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

/** Turns fastify's own errors (schema validation, body parsing, size, media type) into ours; anything unknown is VR_INTERNAL. */
export function toVrouterError(error: unknown): VrouterError {
  if (isVrouterError(error)) return error;
  if (isValidationError(error)) return validationProblem(error);
  const e = error as FastifyLikeError;
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new VrouterError('VR_BODY_MALFORMED', 'The request body is not valid JSON.', { field: 'body', cause: error });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new VrouterError('VR_BODY_TOO_LARGE', e.message, { field: 'body', cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new VrouterError('VR_UNSUPPORTED_MEDIA_TYPE', 'Send application/cloudevents+json, application/cloudevents-batch+json or application/json.', { cause: error });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new VrouterError('VR_VALIDATION', e.message, { field: 'content-length', cause: error });
  }
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new VrouterError('VR_VALIDATION', e.message, { cause: error });
  return new VrouterError('VR_INTERNAL', 'An unexpected error occurred.', { cause: error });
}
