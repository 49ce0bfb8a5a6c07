/** The RFC 9457 problem document the router answers errors with (our `code` and `field` included). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  field?: string;
  [extension: string]: unknown;
}

/** The router answered with a non-2xx status. `code` is the stable `VR_*` code, or `HTTP_<status>` when the body was no problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly detail: string;
  /** The parsed problem document (extensions such as `details` included), or undefined when the body was not JSON. */
  readonly problem: Problem | undefined;

  constructor(status: number, problem: Problem | undefined, fallbackDetail: string) {
    const detail = typeof problem?.detail === 'string' && problem.detail ? problem.detail : fallbackDetail;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.code = typeof problem?.code === 'string' ? problem.code : `HTTP_${status}`;
    this.field = typeof problem?.field === 'string' ? problem.field : undefined;
    this.detail = detail;
    this.problem = problem;
  }

  /** Builds the error from a response body; never throws, whatever the body holds. */
  static fromBody(status: number, statusText: string, text: string): ApiError {
    let problem: Problem | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) problem = parsed as Problem;
    } catch {
      // not JSON: fall back to the status line and the start of the body
    }
    const excerpt = text.trim().slice(0, 200);
    return new ApiError(status, problem, excerpt ? `HTTP ${status} ${statusText}: ${excerpt}`.trim() : `HTTP ${status} ${statusText}`.trim());
  }
}

/** The request never got an HTTP answer (refused, DNS failure, reset, timeout). Names the URL, never the token. */
export class ConnectionError extends Error {
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super(`cannot connect to ${url}: ${describeCause(cause)}`, { cause });
    this.name = 'ConnectionError';
    this.url = url;
  }
}

/** fetch() wraps the socket error (ECONNREFUSED, ENOTFOUND...) in a TypeError's `cause`; surface the useful part. */
function describeCause(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current.name === 'TimeoutError') return 'timed out';
    if (current.cause === undefined) return current.message;
    current = current.cause;
  }
  return String(current);
}
