/** A name/value pair of a container override's `environment`, as RunTask sends it. */
export interface EcsKeyValuePair {
  name?: string;
  value?: string;
}

export interface EcsContainerOverride {
  name?: string;
  command?: string[];
  environment?: EcsKeyValuePair[];
  [field: string]: unknown;
}

/** RunTask's `overrides` (a TaskOverride), the part tests look at typed; the rest stays as sent. */
export interface EcsTaskOverride {
  containerOverrides?: EcsContainerOverride[];
  [field: string]: unknown;
}

/** One task the server started, as recorded for tests to assert on. */
export interface StartedTask {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  launchType?: string;
  startedBy?: string;
  clientToken?: string;
  overrides: EcsTaskOverride;
  /** The RunTask request body as received (JSON). */
  input: Record<string, unknown>;
  /** Start time, epoch milliseconds. */
  at: number;
}

/**
 * How the server answered one RunTask call: `started` new tasks, `replayed` the tasks of an earlier call with the
 * same clientToken and input, `conflict` (ConflictException: token reused with a different input), `failures`
 * (no task, only `failures`), or an API `error`.
 */
export type RunTaskOutcome = 'started' | 'replayed' | 'conflict' | 'failures' | 'error';

/** One RunTask call, whatever its outcome. */
export interface RunTaskCall {
  requestId: string;
  /** The request body as received, or null when it was not a JSON object. */
  input: Record<string, unknown> | null;
  outcome: RunTaskOutcome;
  /** The tasks answered (new or replayed); empty for the other outcomes. */
  taskArns: string[];
  /** The exception name for `error` and `conflict`, the failure reason for `failures`. */
  error?: string;
  at: number;
}

/** An ECS API error to answer with: the exception name the SDK raises, and the HTTP status (default 500 for ServerException, else 400). */
export interface EcsErrorSpec {
  type: string;
  status?: number;
  message?: string;
}

/** A `failures` entry to answer with, e.g. `{ reason: 'RESOURCE:MEMORY' }`; `arn` defaults to the cluster's ARN. */
export interface EcsFailureSpec {
  reason: string;
  arn?: string;
  detail?: string;
}
