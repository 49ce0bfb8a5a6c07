import { dispatchHistory, assertComponentName, assertSubject, assertTimestamp, assertVersionName, type DispatchRecord, type DispatchStatus, ValidationError } from '@vrouter/core';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app.js';
import { queryInteger } from '@vrouter/engine';
import { listEventsSchema } from '../openapi/events.js';

const STATUSES: DispatchStatus[] = ['pending', 'dispatched', 'succeeded', 'failed'];
const DEFAULT_WINDOW_MS = 3_600_000;

type ListQuery = {
  from?: string;
  to?: string;
  component?: string;
  customer?: string;
  project?: string;
  version?: string;
  status?: string;
  cursor?: string;
  limit?: string;
  order?: string;
};

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
export async function eventListRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  app.get<{ Querystring: ListQuery }>('/v1/events', { config: { scope: 'read' }, schema: listEventsSchema }, async (request) => {
    const q = request.query;
    const to = q.to ? assertTimestamp(q.to, 'to') : new Date().toISOString();
    const from = q.from ? assertTimestamp(q.from, 'from') : new Date(Date.parse(to) - DEFAULT_WINDOW_MS).toISOString();
    if (q.status !== undefined && !STATUSES.includes(q.status as DispatchStatus)) throw new ValidationError('status', `status must be one of ${STATUSES.join(', ')}.`);
    if (q.order !== undefined && q.order !== 'asc' && q.order !== 'desc') throw new ValidationError('order', 'order must be asc or desc.');
    const limit = queryInteger(q.limit, 'limit', 100, 1, 1000);
    const page = await deps.events.listDispatches({
      from,
      to,
      limit,
      ...(q.component ? { component: assertComponentName(q.component) } : {}),
      ...(q.customer ? { customer: assertSubject(q.customer, 'customer') } : {}),
      ...(q.project ? { project: assertSubject(q.project, 'project') } : {}),
      ...(q.version ? { version: assertVersionName(q.version) } : {}),
      ...(q.status ? { status: q.status as DispatchStatus } : {}),
      ...(q.order ? { order: q.order as 'asc' | 'desc' } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return { from, to, items: page.items.map(row), ...(page.cursor ? { cursor: page.cursor } : {}) };
  });
}
