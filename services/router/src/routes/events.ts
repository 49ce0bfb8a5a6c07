import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type DispatchRecord, dispatchHistory, NotFoundError } from '@vrouter/core';
import type { IngestResult } from '@vrouter/engine';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app-deps.js';
import { eventsFromHttp } from '../cloudevents-http.js';
import { getEventSchema, postEventsSchema } from '../openapi/routes.js';
import { problemFor } from '../problem.js';
import { baggageMember } from '../baggage.js';
import { CONTEXT_BAGGAGE_MEMBER } from '@vrouter/dispatch';

function present(result: IngestResult) {
  const { error, ...rest } = result;
  return error ? { ...rest, error: problemFor(error) } : rest;
}

export async function eventRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  // Binary-mode events carry their data in any media type; only this route reads such bodies (as bytes).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/v1/events', { config: { scope: 'events:write' }, schema: postEventsSchema }, async (request, reply) => {
    const { inputs, batch } = eventsFromHttp(request.headers, request.body);
    const traceparent = typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined;
    const bodyBytes = Number(request.headers['content-length']) || undefined;
    // A target whose SDK propagates OpenTelemetry baggage hands the chain context back in the request's baggage.
    const context = baggageMember(request.headers.baggage, CONTEXT_BAGGAGE_MEMBER);
    const { results, settled } = await deps.router.ingest(inputs, { traceparent, bodyBytes, ...(context !== undefined ? { context: { context, field: 'baggage' } } : {}) });
    // A single malformed event is a plain 4xx; in a batch, each event answers for itself.
    if (!batch && results[0]?.error) throw results[0].error;
    const answers = request.query.wait === 'true' ? await settled : results;
    return reply.code(202).send({ results: answers.map(present) });
  });

  app.get('/v1/events/:source/:id', { config: { scope: 'read' }, schema: getEventSchema }, async (request) => {
    const found = await deps.events.getEvent(request.params.source, request.params.id);
    if (!found) throw new NotFoundError(`Event ${request.params.id} from ${request.params.source}`);
    const { event, dispatches, replays, shadows } = found;
    const outcome = (d: DispatchRecord) => ({
      component: d.component,
      version: d.version,
      channel: d.channel,
      pin: d.pin,
      pinSource: d.pinSource,
      ...(d.overrideSubject !== undefined ? { overrideSubject: d.overrideSubject } : {}),
      status: d.status,
      attempts: d.attempts,
      idempotencyKey: d.idempotencyKey,
      claimedAt: d.claimedAt,
      updatedAt: d.updatedAt,
      lastError: d.lastError ?? null,
      response: d.response ?? null,
    });
    return {
      source: event.source,
      id: event.id,
      type: event.type,
      receivedAt: event.receivedAt,
      customer: event.customer ?? null,
      project: event.project ?? null,
      plan: event.plan ?? null,
      components: event.components,
      event: event.event,
      chain: event.chain ?? { root: { source: event.source, id: event.id }, depth: 0 },
      override: event.override ?? null,
      dispatches: dispatches.map((d) => ({
        ...outcome(d),
        lastReplayId: d.lastReplayId ?? null,
        history: dispatchHistory(d).map((h) => ({ ...h, replayId: h.replayId ?? null })),
      })),
      replays: replays.map((d) => ({ replayId: d.replayId, ...outcome(d) })),
      shadows: shadows.map(outcome),
    };
  });
}
