import { ValidationError } from '@vrouter/core';
import { parseHealthWindow } from '@vrouter/engine';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app.js';
import { abortRolloutSchema, getRolloutSchema, pauseRolloutSchema, promoteRolloutSchema, putRolloutSchema, resumeRolloutSchema, versionHealthSchema } from '../openapi/rollout.js';

type ComponentParams = { component: string };
const MANUAL = [
  ['pause', pauseRolloutSchema],
  ['resume', resumeRolloutSchema],
  ['promote', promoteRolloutSchema],
  ['abort', abortRolloutSchema],
] as const;

/** Version health and rollouts; the controller validates, spans and audits, these only translate. */
export async function rolloutRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  const { rollouts, health } = deps;
  if (!rollouts || !health) return;
  const read = { config: { scope: 'read' as const } };
  const versionsWrite = { config: { scope: 'versions:write' as const } };
  const actor = (request: { principal?: { name: string } }) => request.principal?.name ?? 'unknown';

  app.get<{ Querystring: { component?: string; window?: string } }>('/v1/health/versions', { ...read, schema: versionHealthSchema }, async (request) => {
    if (!request.query.component) throw new ValidationError('component', 'Query parameter component is required.');
    return health.component(request.query.component, parseHealthWindow(request.query.window));
  });

  app.put<{ Params: ComponentParams }>('/v1/components/:component/rollout', { ...versionsWrite, schema: putRolloutSchema }, async (request, reply) =>
    reply.code(201).send(await rollouts.begin(request.params.component, request.body, actor(request))),
  );
  app.get<{ Params: ComponentParams }>('/v1/components/:component/rollout', { ...read, schema: getRolloutSchema }, async (request) => rollouts.view(request.params.component));
  for (const [action, schema] of MANUAL) {
    app.post<{ Params: ComponentParams }>(`/v1/components/:component/rollout/${action}`, { ...versionsWrite, schema }, async (request) =>
      rollouts.manual(request.params.component, action, request.body, actor(request)),
    );
  }
}
