/**
 * The catalogue of stable error codes. Every error the router reports carries one of these codes;
 * the HTTP layer maps codes to status codes in one table, and a test keeps both in step.
 */
export const ERROR_CODES = {
  VR_VALIDATION: 'A request field is missing or malformed.',
  VR_BODY_MALFORMED: 'The request body is not valid JSON.',
  VR_BODY_TOO_LARGE: 'The request body exceeds the configured limit.',
  VR_PAYLOAD_TOO_LARGE: 'The event is larger than its target accepts (e.g. 256 KiB for an asynchronous Lambda invocation).',
  VR_UNSUPPORTED_MEDIA_TYPE: 'The request content type is not supported.',
  VR_EVENT_INVALID: 'The CloudEvent is missing a required attribute or has a malformed one.',
  VR_CUSTOMER_REQUIRED: 'The event names no customer and no project with a known customer.',
  VR_COMPONENT_UNKNOWN: 'The component is not registered.',
  VR_VERSION_UNKNOWN: 'The version is not registered for this component.',
  VR_PIN_VERSION_UNKNOWN: 'The pin names a version that is not registered for this component.',
  VR_CHANNEL_EMPTY: 'The channel points at no version.',
  VR_NO_ROUTABLE_VERSION: 'No pin applies and the component has no stable version.',
  VR_NOT_FOUND: 'The resource does not exist.',
  VR_CONFLICT: 'The change conflicts with the current state.',
  VR_PRECONDITION_FAILED: 'The resource changed since it was read (If-Match did not match its ETag).',
  VR_SAFETY_CHECK: 'The change is refused by a safety check; repeat it with force and a reason if you are sure.',
  VR_RATE_LIMITED: 'Too many requests; slow down and retry after the indicated time.',
  VR_UNAUTHORIZED: 'A valid bearer token is required.',
  VR_FORBIDDEN: 'The token lacks the scope this route needs.',
  VR_STORE_UNAVAILABLE: 'The store could not be reached.',
  VR_DISPATCH_FAILED: 'The target reported a failure or could not be reached.',
  VR_TARGET_UNSUPPORTED: 'No dispatcher is configured for this kind of target.',
  VR_OVERRIDE_INVALID: 'The override token is tampered with, expired, from another deployment, or names a version that is not registered.',
  VR_CONTEXT_INVALID: 'The chain context fails verification (tampered, or signed by another deployment) or is malformed.',
  VR_INTERNAL: 'An unexpected error occurred.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Base of every error the router raises on purpose; `field` names the offending input when there is one. */
export class VrouterError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { field?: string; details?: Record<string, unknown>; cause?: unknown }) {
    super(message ?? ERROR_CODES[code], options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VrouterError';
    this.code = code;
    this.field = options?.field;
    this.details = options?.details;
  }
}

export class ValidationError extends VrouterError {
  constructor(field: string, message: string, code: ErrorCode = 'VR_VALIDATION') {
    super(code, message, { field });
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends VrouterError {
  constructor(what: string, code: ErrorCode = 'VR_NOT_FOUND') {
    super(code, `${what} does not exist.`);
    this.name = 'NotFoundError';
  }
}

export function isVrouterError(error: unknown): error is VrouterError {
  return error instanceof VrouterError;
}
