/**
 * Where a code surfaces: `http` codes are the `code` of an application/problem+json answer; `dispatch` codes are
 * recorded on a dispatch (`lastError.code`, `dispatches[].error.code`) when a target could not be called; `client`
 * codes are reported by clients (the web page) when the router gave no answer at all.
 */
export type ErrorSurface = 'http' | 'dispatch' | 'client';

export interface ErrorDefinition {
  /** The HTTP status of a problem with this code; for dispatch codes, the status the code would have as a problem. */
  status: number;
  /** One sentence; it is the problem's `title`. */
  meaning: string;
  surface: ErrorSurface;
}

const http = (status: number, meaning: string): ErrorDefinition => ({ status, meaning, surface: 'http' });
const dispatch = (status: number, meaning: string): ErrorDefinition => ({ status, meaning, surface: 'dispatch' });
const client = (status: number, meaning: string): ErrorDefinition => ({ status, meaning, surface: 'client' });

/**
 * The catalogue of stable error codes: each with its HTTP status and meaning, in one table. Every error the router
 * reports carries one of these codes; docs/errors.md documents each, and a test keeps the catalogue, the docs and
 * the codes used in the sources in step.
 */
export const ERROR_CATALOGUE = {
  VR_VALIDATION: http(400, 'A request field is missing or malformed.'),
  VR_BODY_MALFORMED: http(400, 'The request body is not valid JSON.'),
  VR_BODY_TOO_LARGE: http(413, 'The request body exceeds the configured limit.'),
  VR_PAYLOAD_TOO_LARGE: http(413, 'The event is larger than its target accepts (e.g. 256 KiB for an asynchronous Lambda invocation).'),
  VR_UNSUPPORTED_MEDIA_TYPE: http(415, 'The request content type is not supported.'),
  VR_EVENT_INVALID: http(400, 'The CloudEvent is missing a required attribute or has a malformed one.'),
  VR_CUSTOMER_REQUIRED: http(400, 'The event names no customer and no project with a known customer.'),
  VR_COMPONENT_UNKNOWN: http(422, 'The component is not registered.'),
  VR_VERSION_UNKNOWN: http(422, 'The version is not registered for this component.'),
  VR_PIN_VERSION_UNKNOWN: http(422, 'The pin names a version that is not registered for this component.'),
  VR_CHANNEL_EMPTY: http(409, 'The channel points at no version.'),
  VR_NO_ROUTABLE_VERSION: http(409, 'No pin applies and the component has no stable version.'),
  VR_NOT_FOUND: http(404, 'The resource does not exist.'),
  VR_CONFLICT: http(409, 'The change conflicts with the current state.'),
  VR_PRECONDITION_FAILED: http(412, 'The resource changed since it was read (If-Match did not match its ETag).'),
  VR_SAFETY_CHECK: http(409, 'The change is refused by a safety check; repeat it with force and a reason if you are sure.'),
  VR_RATE_LIMITED: http(429, 'Too many requests; slow down and retry after the indicated time.'),
  VR_UNAUTHORIZED: http(401, 'A valid bearer token is required.'),
  VR_FORBIDDEN: http(403, 'The token lacks the scope this route needs.'),
  VR_STORE_UNAVAILABLE: http(503, 'The store could not be reached.'),
  VR_DISPATCH_FAILED: http(502, 'The target reported a failure or could not be reached.'),
  VR_TARGET_FORBIDDEN: http(400, 'The HTTP target points at an address the router may not reach (loopback, private, link-local, metadata) or uses plain http.'),
  VR_BATCH_TOO_LARGE: http(413, 'The batch holds more events than VROUTER_MAX_BATCH.'),
  VR_TOKEN_NAME_RESERVED: http(400, 'The token name is reserved for the router itself.'),
  VR_REQUEST_TIMEOUT: http(408, 'The request was not received in time.'),
  VR_HEADERS_TOO_LARGE: http(431, 'The request headers are too large.'),
  VR_URL_TOO_LONG: http(414, 'The request URL is too long.'),
  VR_TARGET_UNSUPPORTED: http(422, 'No dispatcher is configured for this kind of target.'),
  VR_OVERRIDE_INVALID: http(422, 'The override token is tampered with, expired, from another deployment, or names a version that is not registered.'),
  VR_CONTEXT_INVALID: http(422, 'The chain context fails verification (tampered, or signed by another deployment) or is malformed.'),
  VR_INTERNAL: http(500, 'An unexpected error occurred.'),
  VR_INVALID_TARGET: dispatch(422, 'The target cannot be called as registered (e.g. an HTTP URL that is not absolute http(s)).'),
  VR_BLOCKED_PORT: dispatch(422, 'The target URL uses a port that fetch never connects to (a Fetch standard bad port).'),
  VR_TARGET_ADDRESS_FORBIDDEN: dispatch(422, 'The target host resolved to an address the router may not reach; nothing was sent.'),
  VR_PAYLOAD_REFERENCE_FAILED: dispatch(502, 'A large event could not be stored for its ECS task to fetch by reference.'),
  VR_CONNECTION: client(503, 'The router could not be reached: no answer came back.'),
  VR_CLI_USAGE: client(400, 'The command line is not valid: no or unknown command, unknown option, missing or bad argument, or bad configuration.'),
  VR_CLI_CANNOT_CONNECT: client(503, 'The router did not answer: nothing listens at the URL, the name does not resolve, or the request timed out.'),
  VR_CLI_UNEXPECTED: client(500, 'Something the CLI did not expect went wrong; the message says what.'),
} as const satisfies Record<string, ErrorDefinition>;

/** The code of each entry and its meaning (the problem `title`). */
export const ERROR_CODES = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, d]) => [code, d.meaning])) as {
  readonly [C in keyof typeof ERROR_CATALOGUE]: (typeof ERROR_CATALOGUE)[C]['meaning'];
};

/** The one place where error codes become HTTP status codes. */
export const STATUS_BY_CODE = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, d]) => [code, d.status])) as { readonly [C in ErrorCode]: number };

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

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
