import { ERROR_CODES, type ErrorCode, isVrouterError, VrouterError } from '@vrouter/core';

/** The one place where error codes become HTTP status codes. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VR_VALIDATION: 400,
  VR_BODY_MALFORMED: 400,
  VR_BODY_TOO_LARGE: 413,
  VR_PAYLOAD_TOO_LARGE: 413,
  VR_UNSUPPORTED_MEDIA_TYPE: 415,
  VR_EVENT_INVALID: 400,
  VR_CUSTOMER_REQUIRED: 400,
  VR_COMPONENT_UNKNOWN: 422,
  VR_VERSION_UNKNOWN: 422,
  VR_PIN_VERSION_UNKNOWN: 422,
  VR_CHANNEL_EMPTY: 409,
  VR_NO_ROUTABLE_VERSION: 409,
  VR_NOT_FOUND: 404,
  VR_CONFLICT: 409,
  VR_PRECONDITION_FAILED: 412,
  VR_SAFETY_CHECK: 409,
  VR_RATE_LIMITED: 429,
  VR_UNAUTHORIZED: 401,
  VR_FORBIDDEN: 403,
  VR_STORE_UNAVAILABLE: 503,
  VR_DISPATCH_FAILED: 502,
  VR_TARGET_UNSUPPORTED: 422,
  VR_OVERRIDE_INVALID: 422,
  VR_CONTEXT_INVALID: 422,
  VR_INTERNAL: 500,
};

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
    type: `urn:vrouter:error:${error.code}`,
    title: ERROR_CODES[error.code],
    status: STATUS_BY_CODE[error.code],
    detail: error.message,
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
    ...(error.details ?? {}),
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

/** Turns fastify's own errors (body parsing, size, media type) into ours; anything unknown is VR_INTERNAL. */
export function toVrouterError(error: unknown): VrouterError {
  if (isVrouterError(error)) return error;
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
