import { assertTimestamp, type DispatchRecord, dispatchHistory } from '@vrouter/core';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app-deps.js';
import { listEventsSchema } from '../openapi/routes.js';

const DEFAULT_WINDOW_MS = 3_600_000;

function row(r: DispatchRecord) {
  return {
    source: r.source,
    id: r.id,
    component: r.component,
    version: r.version,
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    receivedAt: r.receivedAt ?? r.claimedAt,
    customer: r.customer ?? null,
    project: r.project ?? null,
    lastError: r.lastError ?? null,
    lastReplayId: r.lastReplayId ?? null,
    history: dispatchHistory(r).map((h) => ({ version: h.version, status: h.status, attempts: h.attempts, at: h.at, replayId: h.replayId ?? null })),
  };
}

/**
 * `GET /v1/events`: one row per (event, component) as its latest outcome (a completed replay's) left it, newest
 * first, from indexes rather than scans.
 */
export async function eventListRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/v1/events', { config: { scope: 'read' }, schema: listEventsSchema }, async (request) => {
    const q = request.query;
    // Normalised to UTC, as the index keys are.
    const to = q.to ? assertTimestamp(q.to, 'to') : new Date().toISOString();
    const from = q.from ? assertTimestamp(q.from, 'from') : new Date(Date.parse(to) - DEFAULT_WINDOW_MS).toISOString();
    const page = await deps.events.listDispatches({
      from,
      to,
      limit: q.limit ?? 100,
      ...(q.component ? { component: q.component } : {}),
      ...(q.customer ? { customer: q.customer } : {}),
      ...(q.project ? { project: q.project } : {}),
      ...(q.version ? { version: q.version } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.order ? { order: q.order } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { from, to, items: page.items.map(row), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });
}
