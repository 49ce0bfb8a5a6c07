import type { IncomingHttpHeaders } from 'node:http';

/** One request the LocalHttpTarget received, as recorded for tests to assert on. */
export interface RecordedHttpRequest {
  method: string;
  /** The path without the query string, e.g. `/hooks/build`. */
  path: string;
  /** The query string including `?`, or '' when there is none. */
  query: string;
  /** As Node parsed them: names lower-cased. */
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON (undefined when empty). */
  body: unknown;
  rawBody: string;
  /** Arrival time, epoch milliseconds. */
  at: number;
  /** The status answered; unset while the request is being handled and for requests made to hang. */
  status?: number;
}

/** What a handler answers. `body`: a string or bytes are sent as they are, anything else as JSON. */
export interface LocalHttpReply {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Answers requests to one path; may be async. A throw becomes a 500 with the error message as text. */
export type LocalHttpHandler = (request: RecordedHttpRequest) => LocalHttpReply | Promise<LocalHttpReply>;

export interface FailNextOptions {
  /** Sent as the Retry-After header: seconds, or an HTTP-date. */
  retryAfter?: number | string;
  /** The body of the failure; default a small JSON error document. */
  body?: unknown;
}
