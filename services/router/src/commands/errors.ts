import { ApiError, ConnectionError } from '@vrouter/client';

/**
 * Exit codes of the admin commands (stable; scripts may rely on them):
 *   0 ok
 *   1 unexpected error
 *   2 usage error: bad flags, arguments or duration (commander's own usage errors too)
 *   3 not found (404)
 *   4 conflict or failed precondition (409, 412), e.g. removing a version a channel still uses; also a followed
 *     replay that was cancelled
 *   5 authentication or authorisation (401, 403)
 *   6 validation (400, 413, 415, 422), e.g. a pin to an unknown version
 *   7 cannot connect, or the server failed (5xx)
 *   8 a replay completed, but some of its dispatches failed (`vrouter replay`, `vrouter replay status --wait`)
 * 130 interrupted (Ctrl-C) while following a replay; the replay keeps running on the router
 */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  auth: 5,
  validation: 6,
  unavailable: 7,
  replayFailures: 8,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad input caught before any request is sent; exits with EXIT.usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const BY_STATUS: Record<number, ExitCode> = {
  400: EXIT.validation,
  401: EXIT.auth,
  403: EXIT.auth,
  404: EXIT.notFound,
  409: EXIT.conflict,
  412: EXIT.conflict,
  413: EXIT.validation,
  415: EXIT.validation,
  422: EXIT.validation,
};

/** The exit code for anything a command threw; never throws. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ConnectionError) return EXIT.unavailable;
  if (error instanceof ApiError) return BY_STATUS[error.status] ?? (error.status >= 500 ? EXIT.unavailable : EXIT.unexpected);
  return EXIT.unexpected;
}

/** One line for stderr: `vrouter: <detail> [<code>, field <field>]`. */
export function errorLine(error: unknown): string {
  if (error instanceof ApiError) return `vrouter: ${error.detail} [${error.code}${error.field ? `, field ${error.field}` : ''}]`;
  return `vrouter: ${error instanceof Error ? error.message : String(error)}`;
}
