import { VrouterError } from '@vrouter/core';
import { traceLogFields } from '@vrouter/telemetry';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { AppDependencies, RouteSummary } from './app-deps.js';
import { authorize } from './auth.js';
import { clientErrorHandler, frameworkErrors } from './client-errors.js';
import { problemFor, toVrouterError } from './problem.js';
// OpenAPI docs and admin rate limits (see the delimited block in buildApp).
import { registerDocs } from './openapi/document.js';
import { registerAdminRateLimit } from './rate-limit.js';
import { addSchemas, validatorCompiler } from './validation.js';
import { adminRoutes } from './routes/admin.js';
import { eventListRoutes } from './routes/event-list.js';
import { eventRoutes } from './routes/events.js';
import { overrideRoutes } from './routes/overrides.js';
import { replayRoutes } from './routes/replays.js';
import { rolloutRoutes } from './routes/rollout.js';
import { shadowRoutes } from './routes/shadow.js';
import { payloadRoutes } from './routes/payloads.js';
import { healthRoutes } from './routes/health.js';
import { requestCost } from './telemetry/request-cost.js';
import { uiRoutes } from './ui.js';

const CLOUDEVENTS_TYPES = ['application/cloudevents+json', 'application/cloudevents-batch+json'];

/** Retry-After on a 503 VR_STORE_UNAVAILABLE, in seconds. */
const STORE_RETRY_AFTER_SECONDS = '1';

/** Server timeouts when the configuration leaves them out (see loadConfig for the variables). */
const TIMEOUT_DEFAULTS = { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5000, connectionTimeoutMs: 300_000 };

/** Builds the HTTP app without listening, so tests can inject() or listen on a port of their choosing. */
export function buildApp(deps: AppDependencies): FastifyInstance {
  const timeouts = { ...TIMEOUT_DEFAULTS, ...deps.config };
  const app = Fastify({
    // Slow clients: a request must arrive whole within requestTimeout and its headers within headersTimeout (what
    // cuts off a slow-loris client), an idle keep-alive socket closes after keepAliveTimeout and a silent one after
    // connectionTimeout. Node checks the first two every connectionsCheckingInterval, so that bounds the cut-off too.
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionTimeout: timeouts.connectionTimeoutMs,
    http: {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.headersTimeoutMs / 4))),
    },
    clientErrorHandler,
    frameworkErrors,
    bodyLimit: deps.config.maxBodyBytes,
    // mixin: every log line carries the active span's trace_id and span_id.
    logger:
      deps.config.logLevel === 'silent'
        ? false
        : { level: deps.config.logLevel, redact: ['req.headers.authorization'], mixin: traceLogFields, ...(deps.logStream ? { stream: deps.logStream } : {}) },
    // A log line per request costs more than routing the event; per-request lines only when debugging.
    logController: new LogController({ disableRequestLogging: deps.config.logLevel !== 'debug' && deps.config.logLevel !== 'trace' }),
    requestIdHeader: 'x-request-id',
    // Event sources may be 1024 characters and ids 256 (URL-encoded, longer): the default of 100 would answer 414.
    routerOptions: { maxParamLength: 4096 },
  });
  app.addContentTypeParser(CLOUDEVENTS_TYPES, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  // Everything here speaks JSON; a text body would otherwise reach handlers as a string.
  app.removeContentTypeParser('text/plain');
  requestCost(app);

  const routes: RouteSummary[] = [];
  app.decorate('vrouterRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url, scope: route.config?.scope ?? null });
  });

  app.addHook('onRequest', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (!scope) return;
    // Tokens, routing and resolution all read the snapshot: a router that idled checks the store's revision first.
    await deps.cache.inUse();
    request.principal = await authorize(deps.authenticator, request.headers.authorization, scope);
  });

  app.setErrorHandler((error, request, reply) => {
    const vrError = toVrouterError(error);
    const problem = problemFor(vrError, request.url, request.id);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
    // The store is unreachable: nothing was acknowledged, and a retry in a moment is the right move.
    if (vrError.code === 'VR_STORE_UNAVAILABLE') reply.header('retry-after', STORE_RETRY_AFTER_SECONDS);
    return reply.code(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = problemFor(new VrouterError('VR_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`), request.url, request.id);
    return reply.code(404).type('application/problem+json').send(problem);
  });

  // --- Schemas, OpenAPI docs (/docs) and admin rate limits: before the routes, which they attach to as they are added. ---
  // Route schemas (from @vrouter/api) validate requests (failures become VR_VALIDATION naming the field, in the error
  // handler above) and serialise answers.
  addSchemas(app);
  app.setValidatorCompiler(validatorCompiler());
  // An absent body counts as `{}`, so an optional body may be left out and a required field is named as missing.
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.schema?.body && (request.body === undefined || request.body === null)) request.body = {};
  });
  registerDocs(app, { publicUrl: deps.config.publicUrl });
  registerAdminRateLimit(app, deps.config.adminRateLimitPerMinute);
  // --- end of schemas, OpenAPI docs and rate limits ---

  app.register(healthRoutes, deps);
  app.register(eventRoutes, deps);
  app.register(adminRoutes, deps);
  app.register(eventListRoutes, deps);
  app.register(replayRoutes, deps);
  app.register(overrideRoutes, deps);
  app.register(shadowRoutes, deps);
  app.register(payloadRoutes, deps);
  app.register(rolloutRoutes, deps);
  app.register(uiRoutes, { traceUrlTemplate: deps.config.traceUrlTemplate });
  app.addHook('onClose', async () => {
    await deps.router.drain();
  });
  return app;
}
