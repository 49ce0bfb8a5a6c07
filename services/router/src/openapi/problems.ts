import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode, STATUS_BY_CODE } from '@vrouter/core';

/** The codes a problem answer can carry; dispatch codes are recorded on dispatches, never answered. */
const HTTP_CODES = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter((code) => ERROR_CATALOGUE[code].surface === 'http');

/**
 * RFC 9457 problem documents as the error handler writes them (see ../problem.ts), built from the catalogue so a new
 * code is documented the moment it is added. `codes` narrows the `code` enum to the ones a status range can carry.
 */
export function problemSchema(codes: readonly ErrorCode[] = HTTP_CODES) {
  return {
    title: 'Problem',
    description: `An application/problem+json document with a stable \`code\`:\n\n${codes.map((c) => `- \`${c}\` (${STATUS_BY_CODE[c]}): ${ERROR_CODES[c]}`).join('\n')}`,
    type: 'object',
    additionalProperties: true,
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', pattern: '^urn:vrouter:error:VR_[A-Z_]+$' },
      title: { type: 'string', enum: [...new Set(codes.map((c) => ERROR_CODES[c]))] },
      status: { type: 'integer', enum: [...new Set(codes.map((c) => STATUS_BY_CODE[c]))].sort((a, b) => a - b) },
      detail: { type: 'string' },
      code: { type: 'string', enum: [...codes] },
      field: { type: 'string', description: 'The offending input, for validation errors (e.g. `target.qualifier`).' },
      instance: { type: 'string', description: 'The request path.' },
      requestId: { type: 'string' },
    },
  };
}

const codesWith = (matches: (status: number) => boolean): ErrorCode[] => HTTP_CODES.filter((code) => matches(STATUS_BY_CODE[code]));

function problemResponse(description: string, codes: ErrorCode[], headers?: Record<string, unknown>) {
  return { description, ...(headers ? { headers } : {}), content: { 'application/problem+json': { schema: problemSchema(codes) } } };
}

const CLIENT_ERRORS = problemResponse(
  'The request was refused; `code` says why and, for validation, `field` names the input.',
  codesWith((s) => s >= 400 && s < 500),
);
const SERVER_ERRORS = problemResponse(
  'The router or what it depends on failed.',
  codesWith((s) => s >= 500),
);
const UNAUTHORIZED = problemResponse('No bearer token, or not a valid one.', ['VR_UNAUTHORIZED'], {
  'www-authenticate': { type: 'string', description: '`Bearer`.' },
});
const FORBIDDEN = problemResponse('The token lacks the scope this route needs.', ['VR_FORBIDDEN']);

/** The error responses of a route: 4xx and 5xx problems, plus 401 and 403 for the authenticated ones. */
export function errorResponses(options: { authenticated: boolean }) {
  return {
    ...(options.authenticated ? { 401: UNAUTHORIZED, 403: FORBIDDEN } : {}),
    '4xx': CLIENT_ERRORS,
    '5xx': SERVER_ERRORS,
  };
}

/** The 429 of a rate-limited route; added by the document's transform for the routes rate-limit.ts limits. */
export const RATE_LIMITED = problemResponse('Too many admin requests from this token (or address) this minute.', ['VR_RATE_LIMITED'], {
  'retry-after': { type: 'integer', description: 'Seconds until the window resets.' },
});
