import { Type } from '@sinclair/typebox';
import { ERROR_CATALOGUE, type ErrorCode } from '@vrouter/core';

/** The codes a problem answer can carry; dispatch codes are recorded on dispatches, never answered. */
export const HTTP_ERROR_CODES = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter((code) => ERROR_CATALOGUE[code].surface === 'http');

/**
 * An RFC 9457 problem document as the router's error handler writes it, built from the catalogue so a new code is
 * documented the moment it is added. Extensions (`invalid`, `channels`, `pins`, `check`, …) are allowed.
 */
export const Problem = Type.Object(
  {
    type: Type.String({ pattern: '^urn:vrouter:error:VR_[A-Z_]+$' }),
    title: Type.String({ description: 'The meaning of `code`.' }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: HTTP_ERROR_CODES }),
    field: Type.Optional(Type.String({ description: 'The offending input, for validation errors (e.g. `target.qualifier`).' })),
    instance: Type.Optional(Type.String({ description: 'The request path.' })),
    requestId: Type.Optional(Type.String()),
  },
  {
    $id: 'Problem',
    additionalProperties: true,
    description: `An application/problem+json document with a stable \`code\`:\n\n${HTTP_ERROR_CODES.map((c) => `- \`${c}\` (${ERROR_CATALOGUE[c].status}): ${ERROR_CATALOGUE[c].meaning}`).join('\n')}`,
  },
);
