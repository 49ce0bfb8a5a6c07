import { AsyncResource } from 'node:async_hooks';
import { type Span, trace } from '@opentelemetry/api';
import { CostContext, costAttributes, guard, runWithCost } from '@vrouter/telemetry';
import type { FastifyInstance, FastifyRequest } from 'fastify';

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
