import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parseHealthWindow } from '@vrouter/engine';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app-deps.js';
import { abortRolloutSchema, getRolloutSchema, pauseRolloutSchema, promoteRolloutSchema, putRolloutSchema, resumeRolloutSchema, versionHealthSchema } from '../openapi/rollout.js';

const MANUAL = [
  ['pause', pauseRolloutSchema],
  ['resume', resumeRolloutSchema],
  ['promote', promoteRolloutSchema],
  ['abort', abortRolloutSchema],
] as const;

/** Version health and rollouts; the controller validates, spans and audits, these only translate. */
export async function rolloutRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const { rollouts, health } = deps;
  if (!rollouts || !health) return;
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const read = { config: { scope: 'read' as const } };
  const versionsWrite = { config: { scope: 'versions:write' as const } };
  const actor = (request: { principal?: { name: string } }) => request.principal?.name ?? 'unknown';

  app.get('/v1/health/versions', { ...read, schema: versionHealthSchema }, async (request) => health.component(request.query.component, parseHealthWindow(request.query.window)));

  app.put('/v1/components/:component/rollout', { ...versionsWrite, schema: putRolloutSchema }, async (request, reply) =>
    reply.code(201).send(await rollouts.begin(request.params.component, request.body, actor(request))),
  );
  app.get('/v1/components/:component/rollout', { ...read, schema: getRolloutSchema }, async (request) => rollouts.view(request.params.component));
  for (const [action, schema] of MANUAL) {
    app.post(`/v1/components/:component/rollout/${action}`, { ...versionsWrite, schema }, async (request) =>
      rollouts.manual(request.params.component, action, request.body, actor(request)),
    );
  }
}
