import { AsyncResource } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Span, trace } from '@opentelemetry/api';
import { COST_MIDDLEWARE_OPTIONS, CostContext, costAttributes, costMiddleware, guard, onContextLost, runWithCost } from '@vrouter/telemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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

interface RequestCost {
  cost: CostContext;
  span: Span | undefined;
  resource: AsyncResource;
}

/**
 * Gives every HTTP request a `request` cost context, so that the DynamoDB requests of reads and admin calls are
 * attributed (and set as vrouter.cost.* on the request's span) rather than counted as context lost. Events get a
 * context of their own inside (see EventTrace). Register it before hooks that may read the store (authentication).
 */
export function requestCost(app: FastifyInstance): void {
  const costs = new WeakMap<FastifyRequest, RequestCost>();
  app.addHook('onRequest', (request, _reply, done) => {
    const cost = new CostContext('request', request.routeOptions.url ?? 'unknown');
    runWithCost(cost, () => {
      const resource = new AsyncResource('vrouter.request');
      costs.set(request, { cost, span: trace.getActiveSpan(), resource });
      resource.runInAsyncScope(done);
    });
  });
  // The handler runs from the end of the body stream, in that stream's async context: enter the request's again.
  app.addHook('preValidation', (request, _reply, done) => {
    const entry = costs.get(request);
    if (entry) entry.resource.runInAsyncScope(done);
    else done();
  });
  // onSend, not onResponse: the request's span may have ended by the time the response is finished.
  app.addHook('onSend', (request, _reply, payload, done) => {
    const entry = costs.get(request);
    if (entry?.span && entry.cost.dynamodbRequests > 0) {
      const { span, cost } = entry;
      guard('setting request cost attributes', () => span.setAttributes(costAttributes(cost)), undefined);
    }
    done(null, payload);
  });
}
