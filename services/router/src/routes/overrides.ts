import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app-deps.js';
import { createOverrideSchema, rotateSigningKeySchema } from '../openapi/overrides.js';
import { act, change } from './change.js';

export async function overrideRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/v1/overrides', { config: { scope: 'pins:write' }, schema: createOverrideSchema }, async (request, reply) =>
    reply.code(201).send(await act(request, 'override.create', () => deps.overrides.create(request.body, change(request)))),
  );
  app.post('/v1/signing-key/rotate', { config: { scope: 'admin' }, schema: rotateSigningKeySchema }, async (request) =>
    act(request, 'signing-key.rotate', () => deps.overrides.rotateKey(request.body, change(request))),
  );
}
