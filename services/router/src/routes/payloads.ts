import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../app-deps.js';
import { getPayloadSchema } from '../openapi/payloads.js';

/** `GET /v1/payloads/{token}`: the event an ECS task was started for, when it was too large to pass inline. */
export async function payloadRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  const references = deps.payloadReferences;
  if (!references) return;
  // No bearer token: the signed, short-lived token in the path is the credential, and it names one event.
  app.get<{ Params: { token: string } }>('/v1/payloads/:token', { schema: getPayloadSchema }, async (request) => references.resolve(request.params.token, deps.events));
}
