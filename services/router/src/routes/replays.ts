import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app-deps.js';
import { cancelReplaySchema, createReplaySchema, getReplaySchema, listReplaysSchema } from '../openapi/routes.js';

export async function replayRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const replay = { config: { scope: 'replay' as const } };
  const read = { config: { scope: 'read' as const } };
  app.post('/v1/replays', { ...replay, schema: createReplaySchema }, async (request, reply) =>
    reply.code(202).send(await deps.replays.create(request.body, request.principal?.name ?? 'unknown')),
  );
  app.get('/v1/replays', { ...read, schema: listReplaysSchema }, async () => ({ replays: await deps.replays.list() }));
  app.get('/v1/replays/:id', { ...read, schema: getReplaySchema }, async (request) => deps.replays.get(request.params.id));
  app.post('/v1/replays/:id/cancel', { ...replay, schema: cancelReplaySchema }, async (request) => deps.replays.cancel(request.params.id));
}
