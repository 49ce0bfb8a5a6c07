import type { DispatchOutcome } from '@vrouter/core';
import { failureFromError } from './sdk-errors.js';

// ECS answers ClientException also when the cluster is momentarily full (the tasks-in-PROVISIONING quota with managed scaling).
const TRANSIENT_CLIENT_MESSAGE = /capacity|try again/i;

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * Maps an exception of RunTask to an outcome. Never throws.
 * - ConflictException with `resourceIds`: the clientToken, which is the delivery's idempotency key, already started
 *   those tasks in an earlier attempt whose input differed (another attempt number or traceparent), so the handoff has
 *   happened: `dispatched`, with those ARNs as the response. Without `resourceIds` it is a failure, not retryable.
 * - otherwise as failureFromError: ThrottlingException, ServerException, 5xx and network errors retryable;
 *   ClientException, InvalidParameterException, ClusterNotFoundException, AccessDeniedException not, except a
 *   ClientException about capacity, which passes.
 */
export function ecsErrorOutcome(error: unknown): DispatchOutcome {
  const name = field(error, 'name');
  const resourceIds = field(error, 'resourceIds');
  if (name === 'ConflictException' && Array.isArray(resourceIds) && resourceIds.length > 0) {
    return { status: 'dispatched', response: resourceIds.map(String).join(',') };
  }
  const outcome = failureFromError(error);
  if (name === 'ClientException' && TRANSIENT_CLIENT_MESSAGE.test(outcome.error?.message ?? '')) outcome.retryable = true;
  return outcome;
}
