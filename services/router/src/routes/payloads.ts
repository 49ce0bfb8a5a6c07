import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app-deps.js';
import { getPayloadSchema } from '../openapi/routes.js';

/** `GET /v1/payloads/{token}`: the event an ECS task was started for, when it was too large to pass inline. */
export async function payloadRoutes(instance: FastifyInstance, deps: AppDependencies): Promise<void> {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const references = deps.payloadReferences;
  if (!references) return;
  // No bearer token: the signed, short-lived token in the path is the credential, and it names one event.
  app.get('/v1/payloads/:token', { schema: getPayloadSchema }, async (request) => references.resolve(request.params.token, deps.events));
}
