import { ApiError, ConnectionError, type Problem } from '@vrouter/client';
import { ERROR_CODES } from '@vrouter/core';
import { CommanderError } from 'commander';

/**
 * Exit codes of every command (stable; scripts may rely on them; the README's table lists the same and a test
 * keeps both in step):
 *   0 ok
 *   1 unexpected error
 *   2 usage error: no command, unknown command or option, missing or bad argument, bad configuration
 *   3 not found (404), or an unknown component
 *   4 conflict or failed precondition (409, 412), e.g. removing a version a channel still uses; also a followed
 *     replay that was cancelled
 *   5 authentication or authorisation (401, 403)
 *   6 invalid input (400, 413, 415, 422), e.g. a pin to an unknown version
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

/**
 * Codes of the errors the CLI reports itself, without an answer from the router (`--json` documents carry them),
 * with their meanings from the one error catalogue.
 */
export const CLI_ERROR_CODES = {
  VR_CLI_USAGE: ERROR_CODES.VR_CLI_USAGE,
  VR_CLI_CANNOT_CONNECT: ERROR_CODES.VR_CLI_CANNOT_CONNECT,
  VR_CLI_UNEXPECTED: ERROR_CODES.VR_CLI_UNEXPECTED,
} as const;

export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

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

/** Codes whose meaning beats their HTTP status: the router answers 422 for a component named in the body or path. */
const BY_CODE: Record<string, ExitCode> = {
  VR_COMPONENT_UNKNOWN: EXIT.notFound,
};

/** The router's configuration was refused (dev, serve, table create); the class lives in the router, loaded lazily. */
const isConfigError = (error: unknown): error is Error => error instanceof Error && error.name === 'ConfigError';

/** The exit code for anything a command threw; never throws. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError || isConfigError(error)) return EXIT.usage;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof ConnectionError) return EXIT.unavailable;
  if (error instanceof ApiError) return BY_CODE[error.code] ?? BY_STATUS[error.status] ?? (error.status >= 500 ? EXIT.unavailable : EXIT.unexpected);
  return EXIT.unexpected;
}

/** Commander's messages start with `error: `; ours do not repeat it. */
const commanderMessage = (error: CommanderError): string =>
  // A group run without its command prints its help on stderr and says only this.
  error.code === 'commander.help' ? 'a command is missing: add --help to see the commands' : error.message.replace(/^error: /, '');

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof CommanderError) return commanderMessage(error);
  if (isConfigError(error)) return `configuration error: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** One line for stderr: `vrouter: <detail> [<code>, field <field>]`. */
export function errorLine(error: unknown): string {
  if (error instanceof ApiError) return `vrouter: ${error.detail} [${error.code}${error.field ? `, field ${error.field}` : ''}]`;
  return `vrouter: ${messageOf(error)}`;
}

/** What `--json` prints on stderr for a failure: one document, `{"error": {...}}`. */
export interface ErrorDocument {
  error: {
    /** The router's `VR_*` code, or one of CLI_ERROR_CODES when no answer came. */
    code: string;
    /** The HTTP status of the router's answer; null when there was none. */
    status: number | null;
    message: string;
    /** The offending input, when the router named one. */
    field?: string;
    /** The problem document's other members, when it had some (e.g. what still uses a version). */
    details?: unknown;
    /** The process's exit code, as in the README's table. */
    exit: ExitCode;
  };
}

function cliCode(exit: ExitCode): CliErrorCode {
  if (exit === EXIT.usage) return 'VR_CLI_USAGE';
  if (exit === EXIT.unavailable) return 'VR_CLI_CANNOT_CONNECT';
  return 'VR_CLI_UNEXPECTED';
}

/** Members of a problem document beyond RFC 9457's and our code and field (e.g. what still uses a version). */
const STANDARD = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'field', 'requestId']);
function extensions(problem: Problem | undefined): Record<string, unknown> | undefined {
  if (!problem) return undefined;
  const rest = Object.entries(problem).filter(([key]) => !STANDARD.has(key));
  return rest.length > 0 ? Object.fromEntries(rest) : undefined;
}

/** The `--json` form of a failure; never throws. */
export function errorDocument(error: unknown): ErrorDocument {
  const exit = exitCodeFor(error);
  if (error instanceof ApiError) {
    const details = extensions(error.problem);
    return {
      error: {
        code: error.code,
        status: error.status,
        message: error.detail,
        ...(error.field ? { field: error.field } : {}),
        ...(details !== undefined ? { details } : {}),
        exit,
      },
    };
  }
  return { error: { code: cliCode(exit), status: null, message: messageOf(error), exit } };
}
