/** The invocation types of the Lambda Invoke API (`X-Amz-Invocation-Type`). */
export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'Event', 'DryRun'];

/** What a local handler learns about its invocation; a small subset of the Lambda context object. */
export interface LocalInvocationContext {
  functionName: string;
  qualifier: string;
  invocationType: InvocationType;
  awsRequestId: string;
  /** The decoded `X-Amz-Client-Context`; like Lambda, only synchronous invocations receive it. */
  clientContext?: unknown;
}

/** A local stand-in for a function version: receives the parsed JSON payload, returns a JSON-serialisable result. */
export type LocalHandler = (payload: unknown, context: LocalInvocationContext) => unknown | Promise<unknown>;

/** One accepted request to a registered function, as recorded by the server for tests to assert on. */
export interface Invocation {
  requestId: string;
  functionName: string;
  qualifier: string;
  invocationType: InvocationType;
  payload: unknown;
  clientContext?: unknown;
  /** Arrival time, epoch milliseconds. */
  at: number;
  /** Unset while the handler runs, and for DryRun, which runs nothing. */
  outcome?: 'ok' | 'error';
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
}

/** An error answer of the Invoke API itself (not of the function), e.g. to simulate throttling. */
export interface ApiErrorSpec {
  statusCode: number;
  /** The exception name the SDK raises, e.g. `TooManyRequestsException`. */
  errorType: string;
  message?: string;
}
