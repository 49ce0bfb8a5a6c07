import rateLimit from '@fastify/rate-limit';
import { VrouterError } from '@vrouter/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const INGEST = { method: 'POST', url: '/v1/events' };
const WINDOW_MS = 60_000;

/** Whether a route is rate-limited: every /v1 route except ingest, which must never be slowed down by admin traffic. */
export function isRateLimited(method: string, url: string): boolean {
  return url.startsWith('/v1/') && !(method === INGEST.method && url === INGEST.url);
}

/**
 * One budget per token, across all limited routes, keyed by the token's id (its hash), not its name: a name can be
 * revoked and given to a new token, and must never share a budget with another. An unauthenticated request (none
 * reaches here) would count by address.
 */
function budgetKey(request: FastifyRequest): string {
  return request.principal ? `token:${request.principal.id}` : `ip:${request.ip}`;
}

/**
 * Limits each token to `perMinute` requests to the admin routes (every /v1 route but POST /v1/events), per router
 * process. Over the limit: 429 VR_RATE_LIMITED with Retry-After, through the app's error handler like any problem.
 * The limit runs as a preHandler, after the onRequest hook has authenticated the caller, so the key is the token's
 * id and a request refused with 401 or 403 costs nothing. Register it before the routes: it attaches to routes as
 * they are added, and routes it exempts get no hook at all.
 */
export function registerAdminRateLimit(app: FastifyInstance, perMinute: number): void {
  app.addHook('onRoute', (route) => {
    const limited = [route.method].flat().some((method) => isRateLimited(method, route.url));
    // Route options may share one config object (see routes/admin.ts): replace it, never mutate it.
    if (!limited) route.config = { ...route.config, rateLimit: false };
  });
  app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: WINDOW_MS,
    hook: 'preHandler',
    keyGenerator: budgetKey,
    errorResponseBuilder: (_request, context) =>
      new VrouterError('VR_RATE_LIMITED', `More than ${context.max} admin requests in a minute from this token; retry in ${context.after}.`, {
        details: { limit: context.max },
      }),
  });
}
