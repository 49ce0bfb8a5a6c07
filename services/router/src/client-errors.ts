import type { Socket } from 'node:net';
import { type ErrorCode, VrouterError } from '@vrouter/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problemFor } from './problem.js';

/** Node's parser and timeout errors, as the problem each one answers. */
const CLIENT_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'VR_REQUEST_TIMEOUT', detail: 'The request was not received in time.' },
  HPE_HEADER_OVERFLOW: { code: 'VR_HEADERS_TOO_LARGE', detail: 'The request headers exceed the limit.' },
  HPE_URI_TOO_LONG: { code: 'VR_URL_TOO_LONG', detail: 'The request URL exceeds the limit.' },
};

/**
 * Answers what Node's HTTP parser refuses before fastify sees a request (malformed request lines and headers, header
 * overflow, request and header timeouts) with problem+json and a stable code, then closes the connection: the
 * stream cannot be trusted past a parse error.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ''];
  const problem = problemFor(known ? new VrouterError(known.code, known.detail) : new VrouterError('VR_VALIDATION', 'The request is not valid HTTP.', { field: 'request' }));
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title.replace(/[^\x20-\x7e]/g, '')}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Fastify's routing errors (a URL it cannot decode, a path parameter over maxParamLength) as problems. */
export function frameworkErrors(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
  const vrError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new VrouterError('VR_URL_TOO_LONG', 'A path segment of the URL is too long.', { field: 'url' })
      : new VrouterError('VR_VALIDATION', 'The request URL cannot be decoded.', { field: 'url' });
  const problem = problemFor(vrError, undefined, request.id);
  reply.code(problem.status).type('application/problem+json').send(problem);
}
