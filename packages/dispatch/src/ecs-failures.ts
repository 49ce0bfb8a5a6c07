import type { Failure } from '@aws-sdk/client-ecs';
import type { DispatchOutcome } from '@vrouter/core';

/**
 * Failure reasons that describe the cluster's state at the moment, not the request: no room on the instances
 * (RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:PORTS, RESOURCE:ENI, ...), an agent that is disconnected or updating (AGENT),
 * Fargate out of capacity ("Capacity is unavailable at this time"), the tasks-in-PROVISIONING quota, network setup
 * timing out. Reasons like ATTRIBUTE (no instance matches the placement constraints), MISSING or INACTIVE need a change
 * of configuration, so retrying cannot help.
 */
const TRANSIENT_REASONS = [/^RESOURCE:/i, /^AGENT$/i, /capacity/i, /try again/i, /time(d)? ?out/i, /throttl/i, /rate exceeded/i, /limit on the number of tasks/i];

/** Whether a RunTask failure reason looks transient (see TRANSIENT_REASONS). */
export function isTransientEcsFailure(reason: string): boolean {
  return TRANSIENT_REASONS.some((pattern) => pattern.test(reason));
}

function describe(failure: Failure): string {
  const detail = failure.detail === undefined || failure.detail === '' ? '' : ` (${failure.detail})`;
  return `${failure.reason ?? 'unknown reason'}${detail} for ${failure.arn ?? 'no ARN'}`;
}

/**
 * The failed outcome of a RunTask answer that lists `failures`: code ECS_FAILURE:<first reason>, a message naming
 * every failure with its ARN and detail, retryable only when every reason looks transient. Task ARNs that were
 * started anyway (a partial success with count > 1) are kept as the response.
 */
export function ecsFailureOutcome(failures: Failure[], taskArns: string[]): DispatchOutcome {
  const reasons = failures.map((f) => f.reason ?? '');
  const outcome: DispatchOutcome = {
    status: 'failed',
    error: { code: `ECS_FAILURE:${reasons[0] || 'UNKNOWN'}`, message: `ECS could not run the task: ${failures.map(describe).join('; ')}.` },
    retryable: reasons.every(isTransientEcsFailure),
  };
  if (taskArns.length > 0) outcome.response = taskArns.join(',');
  return outcome;
}
