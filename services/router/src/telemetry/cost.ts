import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { COST_MIDDLEWARE_OPTIONS, costMiddleware, onContextLost } from '@vrouter/telemetry';
import type { Logger } from '@vrouter/engine';

/**
 * Counts the client's DynamoDB requests (and the capacity DynamoDB reports, which it asks for) on the cost context of
 * the event, request or background task that makes them. Idempotent: adding it twice replaces the first.
 */
export function trackDynamoCost(client: DynamoDBClient): void {
  client.middlewareStack.add(costMiddleware({ requestCapacity: true }), COST_MIDDLEWARE_OPTIONS);
}

/** After the first request without a cost context per command, warn again only every this many. */
const CONTEXT_LOST_EVERY = 1000;

/**
 * Logs DynamoDB requests made outside any cost context (a code path that lost its event, or new code that never had
 * one): the first per command, then every 1000th. Returns the unsubscribe function.
 */
export function reportContextLost(logger: Logger): () => void {
  const seen = new Set<string>();
  return onContextLost((command, total) => {
    if (seen.has(command) && total % CONTEXT_LOST_EVERY !== 0) return;
    seen.add(command);
    logger.warn({ command, contextLostTotal: total }, 'DynamoDB request made outside any event or request cost context; counted as context lost');
  });
}
